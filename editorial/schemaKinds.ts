import type {DocumentPlan, FieldPlanEntry} from './engine'
import type {FieldKind} from './types'

/**
 * Decides from the schema which fields the rules read, and as what. The Studio (through
 * `withEditorialChecks`) and the CLI (through `buildPlan`) both ask `kindOf`, so they check the
 * same fields.
 */

/** The parts of a schema definition this module reads. Kept loose: definitions are plain objects. */
export interface SchemaNode {
  name?: string
  type: string
  fields?: SchemaNode[]
  of?: SchemaNode[]
  options?: {list?: unknown}
  groups?: unknown[]
  [key: string]: unknown
}

/**
 * Strings that are codes, not prose: a hashtag, an email address, a social handle. Style rules
 * would only misfire on them ("#AHPsintoAction" is not a sentence).
 */
const NOT_PROSE = new Set(['hashtag', 'contactEmail', 'twitterHandle', 'email', 'editorialOverrides'])

/** The kind of a field or array member, or undefined when the rules do not read it directly. */
export function kindOf(node: SchemaNode): FieldKind | undefined {
  if (node.name && NOT_PROSE.has(node.name)) return undefined
  switch (node.type) {
    case 'string':
      // A choice from a list ("current", "regulator") is a value, not words an editor wrote.
      return node.options?.list ? undefined : 'plain'
    case 'text':
      return 'prose'
    case 'url':
      return 'url'
    case 'blockContent':
      return 'blocks'
    case 'link':
      return 'link'
    case 'image':
      return 'image'
    default:
      return undefined
  }
}

/** Named object types whose fields are read where they are used, so they are walked into. */
function namedObjects(types: readonly SchemaNode[]): Map<string, SchemaNode> {
  return new Map(types.filter((type) => type.type === 'object' && type.name).map((type) => [type.name!, type]))
}

function planFields(fields: readonly SchemaNode[], prefix: readonly string[], named: Map<string, SchemaNode>, out: FieldPlanEntry[], seen: Set<string>): void {
  for (const field of fields) {
    if (!field.name || NOT_PROSE.has(field.name)) continue
    planNode(field, [...prefix, field.name], named, out, seen)
  }
}

function planNode(node: SchemaNode, path: readonly string[], named: Map<string, SchemaNode>, out: FieldPlanEntry[], seen: Set<string>): void {
  const kind = kindOf(node)
  if (kind) {
    out.push({path, kind})
    return
  }
  if (node.type === 'object' && node.fields) {
    planFields(node.fields, path, named, out, seen)
    return
  }
  if (node.type === 'array' && node.of) {
    for (const member of node.of) planNode(member, [...path, '[]'], named, out, seen)
    // Two members of one array (say strings and links) may both plan `path[]`: the engine's
    // readers ignore values of the wrong shape, so checking each item as both is harmless.
    return
  }
  const objectType = named.get(node.type)
  if (objectType?.fields && !seen.has(objectType.name!)) {
    seen.add(objectType.name!)
    planFields(objectType.fields, path, named, out, seen)
    seen.delete(objectType.name!)
  }
}

/** Where each document type keeps the values the rules read. */
export function buildPlan(types: readonly SchemaNode[]): DocumentPlan {
  const named = namedObjects(types)
  const plan = new Map<string, FieldPlanEntry[]>()
  for (const type of types) {
    if (type.type !== 'document' || !type.name || !type.fields) continue
    const entries: FieldPlanEntry[] = []
    planFields(type.fields, [], named, entries, new Set())
    plan.set(type.name, dedupe(entries))
  }
  return plan
}

function dedupe(entries: FieldPlanEntry[]): FieldPlanEntry[] {
  const seen = new Set<string>()
  return entries.filter((entry) => {
    const key = `${entry.kind}:${entry.path.join('.')}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}
