/**
 * A small generator of TypeScript declarations from the JSON Schema that zod's `toJSONSchema`
 * emits: objects, arrays, records, enums, consts, unions, nullables and `#/$defs/` references,
 * which is every construct the export contracts use. Anything else is a programming error and
 * throws, so a new contract construct cannot silently become `unknown`.
 */

export interface JsonSchema {
  $ref?: string
  $defs?: Record<string, JsonSchema>
  type?: string | string[]
  const?: unknown
  enum?: unknown[]
  anyOf?: JsonSchema[]
  oneOf?: JsonSchema[]
  properties?: Record<string, JsonSchema>
  required?: string[]
  additionalProperties?: boolean | JsonSchema
  propertyNames?: JsonSchema
  items?: JsonSchema
  description?: string
  [keyword: string]: unknown
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/

function propertyKey(name: string): string {
  return IDENTIFIER.test(name) ? name : JSON.stringify(name)
}

function comment(description: string | undefined, indent: string): string {
  return description ? `${indent}/** ${description.replace(/\*\//g, '*\\/')} */\n` : ''
}

function refName(ref: string): string {
  const match = /^#\/\$defs\/(.+)$/.exec(ref)
  if (!match) throw new Error(`jsonSchemaToTs(): unsupported $ref "${ref}"`)
  return match[1]!
}

/** The TypeScript type of one schema, at `indent` depth. */
export function typeOf(schema: JsonSchema, indent = ''): string {
  if (schema.$ref) return refName(schema.$ref)
  if (schema.const !== undefined) return JSON.stringify(schema.const)
  if (schema.enum) return schema.enum.map((value) => JSON.stringify(value)).join(' | ')
  const union = schema.anyOf ?? schema.oneOf
  if (union) return union.map((member) => wrapUnionMember(typeOf(member, indent))).join(' | ')
  if (Array.isArray(schema.type)) return schema.type.map((type) => typeOf({...schema, type}, indent)).join(' | ')
  switch (schema.type) {
    case 'string':
      return 'string'
    case 'number':
    case 'integer':
      return 'number'
    case 'boolean':
      return 'boolean'
    case 'null':
      return 'null'
    case 'array':
      return schema.items ? `${wrapUnionMember(typeOf(schema.items, indent))}[]` : 'unknown[]'
    case 'object':
      return objectType(schema, indent)
    default:
      throw new Error(`jsonSchemaToTs(): unsupported schema ${JSON.stringify(schema).slice(0, 200)}`)
  }
}

function wrapUnionMember(type: string): string {
  return type.includes(' | ') ? `(${type})` : type
}

function objectType(schema: JsonSchema, indent: string): string {
  const inner = `${indent}  `
  const required = new Set(schema.required ?? [])
  const lines: string[] = []
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    lines.push(`${comment(property.description, inner)}${inner}${propertyKey(name)}${required.has(name) ? '' : '?'}: ${typeOf(property, inner)}`)
  }
  const extra = schema.additionalProperties
  if (extra !== undefined && extra !== false) {
    lines.push(`${inner}[key: string]: ${extra === true ? 'unknown' : typeOf(extra, inner)}`)
  }
  if (lines.length === 0) return extra === false ? 'Record<string, never>' : 'Record<string, unknown>'
  return `{\n${lines.join('\n')}\n${indent}}`
}

/** A named declaration: an `interface` for an object shape, a `type` alias otherwise. */
export function declaration(name: string, schema: JsonSchema): string {
  const doc = comment(schema.description, '')
  const type = typeOf(schema)
  const isObject = schema.type === 'object' && !schema.$ref && type.startsWith('{')
  return isObject ? `${doc}export interface ${name} ${type}\n` : `${doc}export type ${name} = ${type}\n`
}

/**
 * Declarations for named schemas, with their `$defs` hoisted and emitted once each, sorted by name.
 * Two `$defs` of one name must be identical.
 */
export function declarations(named: Record<string, JsonSchema>): string {
  const all = new Map<string, JsonSchema>()
  const add = (name: string, schema: JsonSchema) => {
    const previous = all.get(name)
    if (previous && JSON.stringify(previous) !== JSON.stringify(schema)) throw new Error(`jsonSchemaToTs(): two different schemas are named "${name}"`)
    all.set(name, schema)
  }
  for (const [name, schema] of Object.entries(named)) {
    const {$defs, $schema: _dialect, ...rest} = schema
    for (const [defName, def] of Object.entries($defs ?? {})) add(defName, def)
    // zod puts a schema with a meta id in `$defs` and makes the root a `$ref` to it.
    if (rest.$ref !== `#/$defs/${name}`) add(name, rest)
  }
  return [...all.keys()]
    .sort()
    .map((name) => declaration(name, all.get(name)!))
    .join('\n')
}
