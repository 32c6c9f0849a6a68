import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll} from 'vitest'
import {Store, type Dataset} from '../../server/store.js'
import type {SanityDocument} from '../../server/types.js'

/** A dataset holding `docs` verbatim, in a fresh folder for the test file; removed after it. */
export function useDataset(docs: SanityDocument[]): () => Dataset {
  const dir = mkdtempSync(join(tmpdir(), 'ahp-query-'))
  let store: Store | undefined
  let dataset: Dataset | undefined
  beforeAll(() => {
    store = new Store(dir, {synchronous: 'normal'})
    dataset = store.create('test')
    dataset.commit({id: 'load', timestamp: new Date(0).toISOString(), author: 'test', changes: docs.map((doc) => ({id: doc._id, before: null, after: doc, mutations: []}))})
  })
  afterAll(() => {
    store?.close()
    rmSync(dir, {recursive: true, force: true})
  })
  return () => {
    if (!dataset) throw new Error('useDataset(): the dataset exists inside tests only')
    return dataset
  }
}
