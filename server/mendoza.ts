/**
 * A small mendoza encoder (the `mendoza` package only decodes). It produces per-field patches for
 * objects, so the Studio's history and "Review changes" can attribute changes field by field;
 * anything else is replaced whole with `[0, value]` (Value), which every mendoza reader accepts.
 * Opcodes follow mendoza's OPS table: 0 Value, 10 PushFieldCopy, 15 ReturnIntoObjectSameKeyPop,
 * 17 ObjectSetFieldValue (value, then key), 19 ObjectDeleteField.
 */
export type MendozaPatch = unknown[]

type JsonObject = Record<string, unknown>

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false
    return a.every((item, i) => deepEqual(item, b[i]))
  }
  if (Array.isArray(b)) return false
  const ak = Object.keys(a as JsonObject)
  const bk = Object.keys(b as JsonObject)
  if (ak.length !== bk.length) return false
  return ak.every((k) => Object.hasOwn(b as JsonObject, k) && deepEqual((a as JsonObject)[k], (b as JsonObject)[k]))
}

function encodeObject(left: JsonObject, right: JsonObject, out: unknown[]): void {
  // mendoza addresses input fields by their index among the input's sorted keys
  const keys = Object.keys(left).sort()
  keys.forEach((key, idx) => {
    if (!Object.hasOwn(right, key)) out.push(19, idx)
  })
  for (const [key, value] of Object.entries(right)) {
    const idx = Object.hasOwn(left, key) ? keys.indexOf(key) : -1
    if (idx === -1) {
      out.push(17, value, key)
      continue
    }
    const before = left[key]
    if (deepEqual(before, value)) continue
    if (isObject(before) && isObject(value)) {
      out.push(10, idx)
      encodeObject(before, value, out)
      out.push(15)
    } else {
      out.push(17, value, key)
    }
  }
}

/** A mendoza patch turning `left` into `right` (null means "no document"). */
export function diff(left: unknown, right: unknown): MendozaPatch {
  if (isObject(left) && isObject(right)) {
    const out: unknown[] = []
    encodeObject(left, right, out)
    return out
  }
  return [0, right ?? null]
}

/** A document as mendoza effects see it: without `_rev`, which the Studio strips before applying one and sets after. */
function withoutRev(doc: unknown): unknown {
  if (!isObject(doc) || !('_rev' in doc)) return doc
  const {_rev: _r, ...rest} = doc
  return rest
}

/**
 * The `apply` and `revert` effects of a change, as the Content Lake computes them: over the
 * documents without `_rev`. The Studio applies them with `applyPatch(omitRev(doc), patch)`, and
 * mendoza addresses fields by their index among the sorted keys, so a `_rev` on one side only
 * would shift every field after it (the release page then lost a release's metadata).
 */
export function effectsOf(before: unknown, after: unknown): {apply: MendozaPatch; revert: MendozaPatch} {
  const left = withoutRev(before)
  const right = withoutRev(after)
  return {apply: diff(left, right), revert: diff(right, left)}
}

export {deepEqual}
