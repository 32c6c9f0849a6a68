/**
 * JSON with keys in code-unit order at every level, so the same data always gives the same bytes
 * whatever order a source returned its fields in.
 */
export function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep)
  if (value === null || typeof value !== 'object') return value
  const input = value as Record<string, unknown>
  const output: Record<string, unknown> = {}
  for (const key of Object.keys(input).sort()) {
    const item = input[key]
    if (item !== undefined) output[key] = sortKeysDeep(item)
  }
  return output
}

/** Pretty JSON with sorted keys and a final newline: the format of every `.json` file in an export. */
export function stableJson(value: unknown): string {
  return `${JSON.stringify(sortKeysDeep(value), null, 2)}\n`
}

