import {describe, expect, test} from 'vitest'
import {runQuery, type QueryOptions} from '../../server/query.js'
import type {SanityDocument} from '../../server/types.js'
import {useDataset} from './query-dataset.js'

/** Index narrowing must never change a result: every shape, with indexes on and off. */

const docs: SanityDocument[] = [
  {_id: 'p-1', _type: 'person', name: 'Ada', slug: {_type: 'slug', current: 'ada'}},
  {_id: 'p-2', _type: 'person', name: 'Bo', slug: {_type: 'slug', current: 'bo'}},
  {_id: 'drafts.p-2', _type: 'person', name: 'Bo (draft)', slug: {_type: 'slug', current: 'bo'}},
  {_id: 'a-1', _type: 'article', title: 'One', author: {_type: 'reference', _ref: 'p-1'}, slug: {current: 'one'}},
  {_id: 'a-2', _type: 'article', title: 'Two', authors: [{_ref: 'p-1'}, {_ref: 'p-2', _weak: true}], slug: {current: 'two'}},
  {_id: 'a-3', _type: 'article', title: 'Three', nested: {deep: [{x: {_ref: 'p-2'}}]}, slug: 'not-an-object'},
  {_id: 'drafts.a-4', _type: 'article', title: 'Four', author: {_ref: 'p-2'}},
  {_id: 'weird', _type: 1 as unknown as string, slug: {current: 5}},
]

const queries: [string, Record<string, unknown>][] = [
  ['*[_type == "person"]._id', {}],
  ['*["person" == _type]._id', {}],
  ['*[_type == $t && slug.current == $s][0]', {t: 'person', s: 'bo'}],
  ['*[slug.current == "one"]._id', {}],
  ['*[slug.current in ["one", "two"]]._id', {}],
  ['*[_id == "p-2"]{_id, _originalId, name}', {}],
  ['*[_id in $ids]._id', {ids: ['p-1', 'a-2', 'nope']}],
  ['*[_type in ["person", "article"] && !(_id in path("drafts.**"))]._id', {}],
  ['*[references("p-1")]._id', {}],
  ['*[references($id)] | order(title desc) [0...1]', {id: 'p-2'}],
  ['*[references(["p-1", "p-2"])]._id', {}],
  ['*[_type == "person" || _type == "article"]._id', {}],
  ['*[_type == "person" || title == "One"]._id', {}],
  ['count(*[_type == "article"])', {}],
  ['*[_type == "person"]{name, "articles": count(*[_type == "article" && references(^._id)])}', {}],
  ['*[_type == 1]._id', {}],
  ['*[_type == "article"][0].author->name', {}],
]

const dataset = useDataset(docs)

const base = (perspective: string[], publicOnly = false): Omit<QueryOptions, 'params'> => ({perspective, publicOnly, hideVersions: false, identity: 'me'})

describe('index narrowing gives the same results as a full scan', () => {
  for (const perspective of [['raw'], ['published'], ['drafts']]) {
    for (const [query, params] of queries) {
      test(`${perspective.join(',')}: ${query}`, async () => {
        const scanned = await runQuery(dataset(), query, {...base(perspective), params, useIndexes: false})
        const indexed = await runQuery(dataset(), query, {...base(perspective), params})
        expect(indexed.result).toEqual(scanned.result)
      })
    }
  }
})

test('the narrowed queries find what they should', async () => {
  const raw = (query: string) => runQuery(dataset(), query, {...base(['raw']), params: {}}).then((r) => r.result)
  expect(await raw('*[references("p-1")]._id')).toEqual(['a-1', 'a-2'])
  expect(await raw('*[references("p-2")]._id')).toEqual(['a-2', 'a-3', 'drafts.a-4'])
  expect(await raw('*[slug.current == "bo"]._id')).toEqual(['p-2', 'drafts.p-2'])
  const drafts = await runQuery(dataset(), '*[_id == "p-2"][0].name', {...base(['drafts']), params: {}})
  expect(drafts.result).toBe('Bo (draft)')
})
