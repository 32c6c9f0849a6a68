import {EventEmitter} from 'node:events'
import {existsSync, readdirSync, rmSync} from 'node:fs'
import {join} from 'node:path'
import Database from 'better-sqlite3'
import {ApiError, badRequest, notFound} from './errors.js'
import {privateDir, touchPrivateFile} from './files.js'
import {effectsOf} from './mendoza.js'
import type {CommittedChange, CommittedTransaction, DocumentChange, SanityDocument} from './types.js'

const DATASET_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/

export function assertDatasetName(name: string): void {
  if (!DATASET_NAME.test(name)) {
    throw badRequest(
      `Dataset name "${name}" is invalid: use lowercase letters, digits, "_" and "-", starting with a letter or digit, at most 64 characters`,
    )
  }
}

export interface StoreOptions {
  /** `full` fsyncs every commit (survives power loss); `normal` survives a process crash. Default `full`. */
  synchronous?: 'full' | 'normal'
}

interface TransactionRow {
  seq: number
  id: string
  timestamp: string
  author: string
  document_ids: string
  mutations: string
  effects: string
}

export interface HistoryTransaction {
  id: string
  timestamp: string
  author: string
  documentIDs: string[]
  mutations: unknown[]
  effects: Record<string, {apply: unknown; revert: unknown}>
}

export interface TransactionQuery {
  fromTransaction?: string | undefined
  toTransaction?: string | undefined
  limit?: number | undefined
  reverse?: boolean | undefined
}

/** One dataset: a SQLite file in WAL mode, and an in-memory view of its current documents. */
export class Dataset {
  readonly docs = new Map<string, SanityDocument>()
  /** bumped on every commit; query views are cached per version */
  version = 0
  readonly events = new EventEmitter()
  readonly assetsDir: string
  private readonly db: Database.Database
  private nextSeq = 1

  constructor(
    readonly name: string,
    readonly dir: string,
    options: StoreOptions = {},
  ) {
    privateDir(dir)
    this.assetsDir = privateDir(join(dir, 'assets'))
    this.events.setMaxListeners(0)
    // 0600 before SQLite opens it: its -wal and -shm files take the database file's mode
    touchPrivateFile(join(dir, 'dataset.sqlite'))
    this.db = new Database(join(dir, 'dataset.sqlite'))
    this.db.pragma('journal_mode = WAL')
    this.db.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`)
    this.db.pragma('foreign_keys = ON')
    this.db.exec(/* sql */ `
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS documents (
        id TEXT PRIMARY KEY,
        seq INTEGER NOT NULL,
        type TEXT,
        rev TEXT,
        json TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS documents_seq ON documents (seq);
      CREATE TABLE IF NOT EXISTS transactions (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        timestamp TEXT NOT NULL,
        author TEXT NOT NULL,
        document_ids TEXT NOT NULL,
        mutations TEXT NOT NULL,
        effects TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS transaction_documents (
        tx_seq INTEGER NOT NULL REFERENCES transactions (seq),
        doc_id TEXT NOT NULL,
        PRIMARY KEY (doc_id, tx_seq)
      );
      CREATE TABLE IF NOT EXISTS revisions (
        doc_id TEXT NOT NULL,
        rev TEXT NOT NULL,
        tx_seq INTEGER NOT NULL REFERENCES transactions (seq),
        timestamp TEXT NOT NULL,
        json TEXT,
        PRIMARY KEY (doc_id, tx_seq)
      );
      CREATE INDEX IF NOT EXISTS revisions_rev ON revisions (doc_id, rev);
    `)
    const rows = this.db
      .prepare<[], {seq: number; json: string}>(/* sql */ `SELECT seq, json FROM documents ORDER BY seq`)
      .all()
    for (const row of rows) {
      const doc = JSON.parse(row.json) as SanityDocument
      this.docs.set(doc._id, doc)
      this.nextSeq = Math.max(this.nextSeq, row.seq + 1)
    }
  }

  getMeta(key: string): string | undefined {
    return this.db.prepare<[string], {value: string}>(/* sql */ `SELECT value FROM meta WHERE key = ?`).get(key)?.value
  }

  setMeta(key: string, value: string): void {
    this.db
      .prepare(/* sql */ `INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`)
      .run(key, value)
  }

  hasTransaction(id: string): boolean {
    return this.db.prepare(/* sql */ `SELECT 1 FROM transactions WHERE id = ?`).get(id) !== undefined
  }

  /**
   * Writes one transaction: documents, the transaction log and revisions in one SQLite transaction.
   * Returns only after the commit; the in-memory view and listeners are updated after that.
   */
  commit(input: {
    id: string
    timestamp: string
    author: string
    changes: DocumentChange[]
    /** documents that must still hold these revisions (`null`: must not exist), checked inside the SQLite transaction; 409 otherwise */
    expect?: {id: string; rev: string | null}[]
  }): CommittedTransaction {
    if (this.hasTransaction(input.id)) {
      throw new ApiError(409, 'conflict', `Transaction ID "${input.id}" has already been used`)
    }
    const changes: CommittedChange[] = input.changes.map((change) => ({
      ...change,
      effects: effectsOf(change.before, change.after),
    }))
    const effects = Object.fromEntries(changes.map((c) => [c.id, c.effects]))
    const mutations = changes.flatMap((c) => c.mutations)
    const insertTx = this.db.prepare(/* sql */ `
      INSERT INTO transactions (id, timestamp, author, document_ids, mutations, effects) VALUES (?, ?, ?, ?, ?, ?)
    `)
    const insertTxDoc = this.db.prepare(/* sql */ `INSERT OR IGNORE INTO transaction_documents (tx_seq, doc_id) VALUES (?, ?)`)
    const insertRevision = this.db.prepare(/* sql */ `
      INSERT OR REPLACE INTO revisions (doc_id, rev, tx_seq, timestamp, json) VALUES (?, ?, ?, ?, ?)
    `)
    const upsertDoc = this.db.prepare(/* sql */ `
      INSERT INTO documents (id, seq, type, rev, json) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET type = excluded.type, rev = excluded.rev, json = excluded.json
    `)
    const deleteDoc = this.db.prepare(/* sql */ `DELETE FROM documents WHERE id = ?`)
    const currentRev = this.db.prepare<[string], {rev: string | null}>(/* sql */ `SELECT rev FROM documents WHERE id = ?`)
    let seq = 0
    let nextSeq = this.nextSeq
    this.db.transaction(() => {
      for (const guard of input.expect ?? []) {
        const row = currentRev.get(guard.id)
        const rev = row ? row.rev : null
        if (rev !== guard.rev) {
          throw new ApiError(409, 'conflict', `Document "${guard.id}" has revision "${String(rev)}", expected "${String(guard.rev)}"`)
        }
      }
      const info = insertTx.run(
        input.id,
        input.timestamp,
        input.author,
        JSON.stringify(changes.map((c) => c.id)),
        JSON.stringify(mutations),
        JSON.stringify(effects),
      )
      seq = Number(info.lastInsertRowid)
      for (const change of changes) {
        insertTxDoc.run(seq, change.id)
        insertRevision.run(
          change.id,
          change.after?._rev ?? input.id,
          seq,
          input.timestamp,
          change.after ? JSON.stringify(change.after) : null,
        )
        if (change.after) {
          const docSeq = this.docs.has(change.id) && change.before ? 0 : nextSeq++
          upsertDoc.run(
            change.id,
            docSeq,
            typeof change.after._type === 'string' ? change.after._type : null,
            change.after._rev ?? null,
            JSON.stringify(change.after),
          )
        } else {
          deleteDoc.run(change.id)
        }
      }
    })()
    this.nextSeq = nextSeq
    for (const change of changes) {
      if (change.after) this.docs.set(change.id, change.after)
      else this.docs.delete(change.id)
    }
    this.version++
    const committed: CommittedTransaction = {id: input.id, seq, timestamp: input.timestamp, author: input.author, changes}
    this.events.emit('transaction', committed)
    return committed
  }

  transactions(docIds: string[], query: TransactionQuery = {}): HistoryTransaction[] {
    if (docIds.length === 0) return []
    const seqOf = (id: string | undefined): number | undefined =>
      id
        ? this.db.prepare<[string], {seq: number}>(/* sql */ `SELECT seq FROM transactions WHERE id = ?`).get(id)?.seq
        : undefined
    const from = seqOf(query.fromTransaction) ?? 0
    const to = seqOf(query.toTransaction) ?? Number.MAX_SAFE_INTEGER
    const placeholders = docIds.map(() => '?').join(', ')
    const order = query.reverse ? 'DESC' : 'ASC'
    const rows = this.db
      .prepare<unknown[], TransactionRow>(/* sql */ `
        SELECT t.* FROM transactions t
        WHERE t.seq IN (SELECT tx_seq FROM transaction_documents WHERE doc_id IN (${placeholders}))
          AND t.seq >= ? AND t.seq <= ?
        ORDER BY t.seq ${order}
        LIMIT ?
      `)
      .all(...docIds, from, to, query.limit ?? -1)
    return rows.map((row) => ({
      id: row.id,
      timestamp: row.timestamp,
      author: row.author,
      documentIDs: JSON.parse(row.document_ids) as string[],
      mutations: JSON.parse(row.mutations) as unknown[],
      effects: JSON.parse(row.effects) as Record<string, {apply: unknown; revert: unknown}>,
    }))
  }

  /** The document as it was at a revision (`null`: no such revision, or the revision deleted it). */
  documentAtRevision(id: string, rev: string): SanityDocument | null {
    const row = this.db
      .prepare<[string, string], {json: string | null}>(
        /* sql */ `SELECT json FROM revisions WHERE doc_id = ? AND rev = ? ORDER BY tx_seq DESC LIMIT 1`,
      )
      .get(id, rev)
    return row?.json ? (JSON.parse(row.json) as SanityDocument) : null
  }

  /** The document as it was at a point in time. */
  documentAtTime(id: string, time: string): SanityDocument | null {
    const row = this.db
      .prepare<[string, string], {json: string | null}>(
        /* sql */ `SELECT json FROM revisions WHERE doc_id = ? AND timestamp <= ? ORDER BY tx_seq DESC LIMIT 1`,
      )
      .get(id, time)
    return row?.json ? (JSON.parse(row.json) as SanityDocument) : null
  }

  /** The last revision that held content: the current document, or the one before its deletion. */
  lastRevision(id: string): SanityDocument | null {
    const current = this.docs.get(id)
    if (current) return current
    const row = this.db
      .prepare<[string], {json: string}>(
        /* sql */ `SELECT json FROM revisions WHERE doc_id = ? AND json IS NOT NULL ORDER BY tx_seq DESC LIMIT 1`,
      )
      .get(id)
    return row ? (JSON.parse(row.json) as SanityDocument) : null
  }

  /** Transactions committed to this dataset, ever (metrics). */
  transactionCount(): number {
    return this.db.prepare<[], {n: number | null}>(/* sql */ `SELECT max(seq) AS n FROM transactions`).get()?.n ?? 0
  }

  /** Throws unless a write could start now (health): the file is writable and not locked by another writer. */
  checkWritable(): void {
    this.db.exec('BEGIN IMMEDIATE')
    this.db.exec('ROLLBACK')
  }

  integrityCheck(): string {
    return String(this.db.pragma('integrity_check', {simple: true}))
  }

  close(): void {
    this.events.emit('close')
    this.events.removeAllListeners()
    if (this.db.open) this.db.close()
  }
}

/** All datasets under `<dataDir>/datasets/<name>/`. */
export class Store {
  private readonly datasets = new Map<string, Dataset>()
  readonly datasetsDir: string

  constructor(
    readonly dataDir: string,
    private readonly options: StoreOptions = {},
  ) {
    this.datasetsDir = join(dataDir, 'datasets')
    privateDir(this.datasetsDir)
    for (const entry of readdirSync(this.datasetsDir, {withFileTypes: true})) {
      if (entry.isDirectory() && DATASET_NAME.test(entry.name) && existsSync(join(this.datasetsDir, entry.name, 'dataset.sqlite'))) {
        this.datasets.set(entry.name, new Dataset(entry.name, join(this.datasetsDir, entry.name), options))
      }
    }
  }

  list(): Dataset[] {
    return [...this.datasets.values()].sort((a, b) => a.name.localeCompare(b.name))
  }

  has(name: string): boolean {
    return this.datasets.has(name)
  }

  get(name: string): Dataset {
    const dataset = this.datasets.get(name)
    if (!dataset) throw notFound(`Dataset "${name}" not found`)
    return dataset
  }

  create(name: string, aclMode: 'public' | 'private' = 'public'): Dataset {
    assertDatasetName(name)
    if (this.datasets.has(name)) throw new ApiError(409, 'conflict', `Dataset "${name}" already exists`)
    const dataset = new Dataset(name, join(this.datasetsDir, name), this.options)
    dataset.setMeta('aclMode', aclMode)
    this.datasets.set(name, dataset)
    return dataset
  }

  delete(name: string): void {
    const dataset = this.get(name)
    dataset.close()
    this.datasets.delete(name)
    rmSync(dataset.dir, {recursive: true, force: true})
  }

  close(): void {
    for (const dataset of this.datasets.values()) dataset.close()
    this.datasets.clear()
  }
}
