import {newTransactionId} from './ids.js'
import {TransactionBuilder} from './mutations.js'
import type {Store} from './store.js'
import type {SanityDocument} from './types.js'

/** Who the History panel names for seeded documents: the import, not the administrator's token. */
export const SEED_AUTHOR = 'p-seed'

/**
 * Seeds an empty data folder at start (scripts/serve.ts): creates the dataset and writes every
 * document of an NDJSON file in one transaction, straight into the store, so seeding needs no
 * HTTPS round trip (and works with any certificate, or none behind a proxy).
 */
export function seedDataset(store: Store, name: string, ndjson: string, author = SEED_AUTHOR): number {
  const docs: SanityDocument[] = []
  ndjson.split('\n').forEach((line, index) => {
    if (!line.trim()) return
    const doc = JSON.parse(line) as SanityDocument
    if (typeof doc._id !== 'string' || typeof doc._type !== 'string') throw new Error(`line ${index + 1} of the seed is not a document with _id and _type`)
    docs.push(doc)
  })
  const dataset = store.create(name)
  dataset.setMeta('createdAt', new Date().toISOString())
  if (docs.length === 0) return 0
  const id = newTransactionId()
  const tx = new TransactionBuilder(dataset, id, new Date().toISOString())
  for (const {_rev: _r, _updatedAt: _u, ...doc} of docs) tx.put(doc._id, tx.stamp(doc as SanityDocument, null), {createOrReplace: doc})
  dataset.commit({id, timestamp: tx.timestamp, author, changes: tx.changes()})
  return docs.length
}
