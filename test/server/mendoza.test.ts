import {applyPatch} from 'mendoza'
import {describe, expect, test} from 'vitest'
import {diff, effectsOf} from '../../server/mendoza.js'

const examples: {name: string; before: unknown; after: unknown}[] = [
  {name: 'create', before: null, after: {_id: 'a', title: 'x'}},
  {name: 'delete', before: {_id: 'a', title: 'x'}, after: null},
  {name: 'set a field', before: {_id: 'a', title: 'x', n: 1}, after: {_id: 'a', title: 'y', n: 1}},
  {name: 'add and remove fields', before: {_id: 'a', b: 1, c: 2, d: 3}, after: {_id: 'a', c: 2, e: 5}},
  {name: 'nested objects', before: {_id: 'a', seo: {title: 't', nested: {x: 1, y: 2}}}, after: {_id: 'a', seo: {title: 't', nested: {x: 1, z: 3}}}},
  {name: 'arrays replaced whole', before: {_id: 'a', list: [1, 2, 3]}, after: {_id: 'a', list: [1, 3]}},
  {name: 'type change', before: {_id: 'a', v: {x: 1}}, after: {_id: 'a', v: 'text'}},
  {name: 'unchanged', before: {_id: 'a', v: [1, {b: 2}]}, after: {_id: 'a', v: [1, {b: 2}]}},
  {name: 'keys sorted unusually', before: {Z: 1, a: 2, _b: 3, 'ü': 4}, after: {Z: 2, _b: 3, 'ü': 5}},
]

describe('mendoza encoder', () => {
  for (const example of examples) {
    test(example.name, () => {
      const before = structuredClone(example.before)
      const after = structuredClone(example.after)
      const {apply, revert} = effectsOf(before, after)
      expect(applyPatch(before, apply)).toEqual(example.after)
      expect(applyPatch(after, revert)).toEqual(example.before)
      expect(before).toEqual(example.before)
      expect(after).toEqual(example.after)
    })
  }

  test('effects are computed without _rev, as the Studio applies them (applyPatch(omitRev(doc), patch))', () => {
    const before = {_id: 'r', _rev: 'one', _type: 'system.release', metadata: {title: 'T', releaseType: 'asap'}, state: 'scheduled', publishAt: '2026-12-01'}
    const after = {_id: 'r', _rev: 'two', _type: 'system.release', metadata: {title: 'T', releaseType: 'asap'}, state: 'published', publishedAt: '2026-12-01'}
    const {_rev: _b, ...beforeNoRev} = before
    const {_rev: _a, ...afterNoRev} = after
    const {apply, revert} = effectsOf(before, after)
    expect(applyPatch(beforeNoRev, apply)).toEqual(afterNoRev)
    expect(applyPatch(afterNoRev, revert)).toEqual(beforeNoRev)
  })

  test('per-field patches, not whole documents, for object changes', () => {
    const patch = diff({_id: 'a', title: 'x', body: 'long'.repeat(100)}, {_id: 'a', title: 'y', body: 'long'.repeat(100)})
    expect(JSON.stringify(patch)).not.toContain('long')
  })
})
