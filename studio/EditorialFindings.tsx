import {Button, Card, Flex, Stack, Text} from '@sanity/ui'
import {type ArrayOfObjectsInputProps, type Path, type ValidationMarker} from 'sanity'
import {useDocumentPane} from 'sanity/structure'

import {ruleById} from '../editorial/rules'

/**
 * The Editorial checks tab: the document's findings (what the editorial rules report on its
 * fields, as the editor types), each with a button that opens the field, above the overrides
 * that switch a check off. An editor sees in one place what there is to fix or to explain.
 */

const RULE_AT_END = /\(([a-z0-9-]+)\)$/

export interface EditorialFinding {
  level: 'error' | 'warning'
  ruleId: string
  message: string
  path: Path
}

/** The editorial rules' findings among a document's validation markers (errors first). */
export function editorialFindings(markers: readonly ValidationMarker[], overridesField: string): EditorialFinding[] {
  const out: EditorialFinding[] = []
  for (const marker of markers) {
    const message = marker.message ?? ''
    const ruleId = RULE_AT_END.exec(message)?.[1]
    if (!ruleId || !ruleById(ruleId) || marker.path[0] === overridesField) continue
    if (marker.level !== 'error' && marker.level !== 'warning') continue
    out.push({level: marker.level, ruleId, message, path: marker.path})
  }
  return out.sort((a, b) => (a.level === b.level ? 0 : a.level === 'error' ? -1 : 1))
}

export function createEditorialFindingsInput(overridesField: string) {
  return function EditorialFindingsInput(props: ArrayOfObjectsInputProps) {
    const {validation, schemaType, onFocus, onPathOpen, onSetActiveFieldGroup} = useDocumentPane()
    const findings = editorialFindings(validation, overridesField)
    const fieldOf = (path: Path) => schemaType.fields.find((field) => field.name === path[0])
    const open = (path: Path) => {
      const group = (fieldOf(path)?.group as string | string[] | undefined) ?? undefined
      onSetActiveFieldGroup([], Array.isArray(group) ? (group[0] ?? 'all-fields') : (group ?? 'all-fields'))
      onPathOpen(path)
      onFocus(path)
    }
    return (
      <Stack space={4}>
        <Card padding={3} radius={2} border tone={findings.some((f) => f.level === 'error') ? 'critical' : findings.length ? 'caution' : 'positive'} data-testid="editorial-findings">
          <Stack space={3}>
            <Text size={1} weight="semibold">
              {findings.length === 0
                ? 'No editorial findings on this page.'
                : `${findings.length} editorial finding${findings.length === 1 ? '' : 's'} on this page: fix each one, or switch its check off below with a reason.`}
            </Text>
            <Stack as="ul" space={2} style={{margin: 0, padding: 0}}>
              {findings.map((finding, index) => (
                <Flex key={`${finding.ruleId}-${index}`} gap={2} align="flex-start" as="li" style={{listStyle: 'none'}}>
                  <Card flex={1} tone={finding.level === 'error' ? 'critical' : 'caution'} padding={2} radius={2}>
                    <Text size={1}>
                      <strong>{String(fieldOf(finding.path)?.type.title ?? finding.path[0] ?? 'Page')}</strong> ({finding.level}): {finding.message}
                    </Text>
                  </Card>
                  <Button mode="ghost" fontSize={1} padding={2} text="Go to field" onClick={() => open(finding.path)} />
                </Flex>
              ))}
            </Stack>
          </Stack>
        </Card>
        {props.renderDefault(props)}
      </Stack>
    )
  }
}
