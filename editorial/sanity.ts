import {CheckmarkCircleIcon} from '@sanity/icons'
import {defineArrayMember, defineField, type CustomValidator, type Rule as SanityRule, type SchemaTypeDefinition} from 'sanity'

import {createEditorialFindingsInput} from '../studio/EditorialFindings'
import {checkDocumentField, checkField, documentRulesFor, overrideFor, overridesOf, type DocumentLike} from './engine'
import {RULES, ruleById} from './rules'
import {kindOf, type SchemaNode} from './schemaKinds'
import type {FieldKind, Finding, Level, Path} from './types'

/**
 * Puts the editorial rules into the schema as field validation, so editors see each finding on
 * the field it concerns as they type, and `content:validate` (which runs Sanity's own validator)
 * reports the same ones. Applied once, in `schemas/index.ts`, to every type: a new field is
 * checked without anyone remembering to add a rule to it.
 */

export const OVERRIDES_FIELD = 'editorialOverrides'

/** How a finding reads in the Studio and the CLI: the rule id says what to name in an override. */
export function formatFinding(finding: Pick<Finding, 'message' | 'ruleId'>): string {
  return `${finding.message} (${finding.ruleId})`
}

type ValidationFn = (rule: SanityRule) => unknown

function relative(path: Path, base: Path): Path {
  return path.slice(base.length)
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * Names the Portable Text block a finding sits in by its first words, so that of many findings
 * in a long body ("Body / Block" in the Validation panel) an editor knows which paragraph each
 * is about. `undefined` for findings outside a block.
 */
export function blockLabel(value: unknown, path: Path): string | undefined {
  const first = path[0]
  if (!Array.isArray(value) || !isRecord(first) || typeof first._key !== 'string') return undefined
  const block = value.find((item) => isRecord(item) && item._key === first._key)
  if (!isRecord(block)) return undefined
  if (block._type === 'image') return typeof block.alt === 'string' && block.alt ? `the image “${block.alt}”` : 'an image'
  const text = (Array.isArray(block.children) ? block.children : []).map((child) => (isRecord(child) && typeof child.text === 'string' ? child.text : '')).join('')
  const words = text.trim().split(/\s+/).filter(Boolean)
  if (words.length === 0) return undefined
  const start = `“${words.slice(0, 6).join(' ')}${words.length > 6 ? '…' : ''}”`
  const style = typeof block.style === 'string' ? block.style : 'normal'
  const kind = block.listItem ? 'the list item' : /^h\d$/.test(style) ? 'the heading' : style === 'blockquote' ? 'the quote' : 'the paragraph'
  return `${kind} ${start}`
}

/** A validator for one level, so Sanity shows errors and warnings with their own colours. */
function validator(level: Level, find: (value: unknown, path: Path, document: DocumentLike | undefined) => Finding[]): CustomValidator {
  return (value, context) => {
    const document = context.document as DocumentLike | undefined
    const base = (context.path ?? []) as Path
    const findings = find(value, base, document).filter((finding) => finding.level === level)
    if (findings.length === 0) return true
    const overrides = overridesOf(document)
    const shown = findings.filter((finding) => !overrideFor(finding, overrides))
    if (shown.length === 0) return true
    return shown.map((finding) => {
      const path = relative(finding.path, base)
      const where = blockLabel(value, path)
      return {message: where ? `In ${where}: ${formatFinding(finding)}` : formatFinding(finding), path}
    })
  }
}

function withValidation(node: SchemaNode, extra: (rule: SanityRule) => unknown[]): SchemaNode {
  const original = node.validation as ValidationFn | undefined
  return {
    ...node,
    validation: (rule: SanityRule) => {
      const own = original ? original(rule) : []
      return [...(Array.isArray(own) ? own : own ? [own] : []), ...extra(rule)]
    },
  }
}

function fieldChecks(kind: FieldKind) {
  const find = (value: unknown, path: Path, document: DocumentLike | undefined) => checkField(kind, value, path, document)
  return (rule: SanityRule) => [rule.custom(validator('error', find)).error(), rule.custom(validator('warning', find)).warning()]
}

function documentChecks(field: string) {
  const find = (_value: unknown, _path: Path, document: DocumentLike | undefined) => (document ? checkDocumentField(document, field) : [])
  return (rule: SanityRule) => [rule.custom(validator('error', find)).error(), rule.custom(validator('warning', find)).warning()]
}

function decorate(node: SchemaNode): SchemaNode {
  if (node.name === OVERRIDES_FIELD) return node
  const kind = kindOf(node)
  if (kind) return withValidation(node, fieldChecks(kind))
  if (node.type === 'object' && node.fields) return {...node, fields: node.fields.map((field) => decorate(field))}
  if (node.type === 'array' && node.of) return {...node, of: node.of.map((member) => decorate(member))}
  return node
}

/** Top-level fields an override may name: the ones holding anything the rules read. */
function checkableFields(type: SchemaNode): {title: string; value: string}[] {
  const fields = (type.fields ?? []).filter((field) => field.name && field.name !== OVERRIDES_FIELD && containsCheckable(field))
  return fields.map((field) => ({title: `${String(field.title ?? field.name)} (${field.name})`, value: field.name!}))
}

function containsCheckable(node: SchemaNode): boolean {
  if (kindOf(node)) return true
  if (node.type === 'seo') return true
  return [...(node.fields ?? []), ...(node.of ?? [])].some(containsCheckable)
}

/** The field where an editor switches a rule off, with a reason a reviewer can read. */
export function overridesField(type: SchemaNode, group?: string) {
  const fieldOptions = checkableFields(type)
  const fieldNames = new Set(fieldOptions.map((option) => option.value))
  return defineField({
    name: OVERRIDES_FIELD,
    title: 'Editorial check overrides',
    type: 'array',
    ...(group ? {group} : {}),
    // the document's findings above its overrides, each with a way to its field
    components: {input: createEditorialFindingsInput(OVERRIDES_FIELD)},
    description:
      'Switch an editorial check off for one field, or for the whole page, when it does not fit (a quoted title, a term professionals use). Say why: the reason appears in the editorial report.',
    of: [
      defineArrayMember({
        name: 'editorialOverride',
        title: 'Override',
        type: 'object',
        icon: CheckmarkCircleIcon,
        fields: [
          defineField({
            name: 'rule',
            title: 'Check',
            type: 'string',
            description: 'The check to switch off. Its id is shown in brackets after each finding.',
            options: {list: RULES.map((rule) => ({title: `${rule.title} (${rule.id})`, value: rule.id}))},
            validation: (rule) => [
              rule.required().error('Choose the check to switch off'),
              rule.custom((id) => {
                if (typeof id !== 'string' || ruleById(id)) return true
                return `There is no check called "${id}": choose one from the list`
              }),
            ],
          }),
          defineField({
            name: 'field',
            title: 'Field',
            type: 'string',
            description: 'Leave empty to switch the check off for the whole page.',
            options: {list: fieldOptions},
            validation: (rule) =>
              rule.custom((name) => {
                if (typeof name !== 'string' || name === '' || fieldNames.has(name)) return true
                return `This page has no field "${name}" the checks read: choose one from the list, or leave it empty`
              }),
          }),
          defineField({
            name: 'reason',
            title: 'Reason',
            type: 'text',
            rows: 2,
            description: 'Why the check does not apply here. Reviewers read it in the editorial report.',
            validation: (rule) => [
              rule.required().error('Say why the check does not apply: an override without a reason is ignored'),
              rule.min(10).error('Give a reason a reviewer can follow (at least 10 characters)'),
            ],
          }),
        ],
        preview: {
          select: {rule: 'rule', field: 'field', reason: 'reason'},
          prepare: ({rule, field, reason}: {rule?: string; field?: string; reason?: string}) => ({
            title: `${ruleById(rule ?? '')?.title ?? rule ?? 'No check chosen'}${field ? ` · ${field}` : ' · whole page'}`,
            subtitle: reason,
          }),
        },
      }),
    ],
  })
}

const READ_WHOLE = new Set(['link', 'blockContent'])

const EDITORIAL_GROUP = {name: 'editorial', title: 'Editorial checks'}

/** The schema with the editorial rules attached to every field they read, and an overrides field on every document. */
export function withEditorialChecks(types: readonly SchemaTypeDefinition[]): SchemaTypeDefinition[] {
  return types.map((definition) => {
    const type = definition as unknown as SchemaNode
    // Links and bodies are read whole where they are used (kinds "link" and "blocks"), so their
    // own fields are not decorated a second time.
    if (type.name && READ_WHOLE.has(type.name)) return definition
    if (type.type === 'object' && type.fields) return {...type, fields: type.fields.map((field) => decorate(field))} as unknown as SchemaTypeDefinition
    if (type.type !== 'document' || !type.fields) return definition

    const fields = type.fields.map((field) => {
      let decorated = decorate(field)
      if (field.name && documentRulesFor(type.name, field.name).length > 0) decorated = withValidation(decorated, documentChecks(field.name))
      return decorated
    })
    const hasGroups = Array.isArray(type.groups)
    return {
      ...type,
      ...(hasGroups ? {groups: [...type.groups!, EDITORIAL_GROUP]} : {}),
      fields: [...fields, overridesField(type, hasGroups ? EDITORIAL_GROUP.name : undefined)],
    } as unknown as SchemaTypeDefinition
  })
}
