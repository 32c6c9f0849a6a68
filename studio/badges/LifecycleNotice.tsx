import {Card, Stack, Text} from '@sanity/ui'
import {getPublishedId, type ObjectInputProps, useFormValue} from 'sanity'

import {expiredReason, localIsoDate, supersededReason, type FrameworkLifecycle} from './frameworkLifecycle'
import {useReplacedBy} from './index'

/**
 * The framework badges' reasons, said in the document itself above its fields, so an editor
 * reads why a framework is Expired or Superseded (and which framework replaces it) without
 * hovering over a badge.
 */
export function FrameworkLifecycleNotice(props: ObjectInputProps) {
  const id = useFormValue(['_id'])
  const replacedBy = useReplacedBy(getPublishedId(typeof id === 'string' ? id : ''))
  const value = (props.value ?? null) as FrameworkLifecycle | null
  const expired = expiredReason(value, localIsoDate())
  const superseded = supersededReason(value, replacedBy)
  return (
    <Stack space={4}>
      {expired && (
        <Card tone="critical" padding={3} radius={2} border data-testid="framework-expired-notice">
          <Text size={1}>
            <strong>Expired.</strong> {expired}
          </Text>
        </Card>
      )}
      {superseded && (
        <Card tone="caution" padding={3} radius={2} border data-testid="framework-superseded-notice">
          <Text size={1}>
            <strong>Superseded.</strong> {superseded}
          </Text>
        </Card>
      )}
      {props.renderDefault(props)}
    </Stack>
  )
}
