import {createHash} from 'node:crypto'
import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs'
import {basename, dirname, join, resolve} from 'node:path'
import Database from 'better-sqlite3'
import {PRIVATE_FILE_MODE, privateDir, securePrivateTree, writePrivateFile} from './files.js'

/**
 * Backups of the whole data folder while the server runs and writes go on (README, "Backups"):
 * every dataset, its assets, the accounts (users.sqlite), the tokens (tokens.json, admin-token)
 * and the local CA, as one tar file (`tar -tf` lists it) with `manifest.json` last.
 *
 * The cut: the time is noted, then a read transaction (a WAL snapshot) is opened on every
 * database in one synchronous step, and each database is copied from inside its snapshot with
 * SQLite's online backup (better-sqlite3 `db.backup()`): however long copying takes and whatever
 * the server commits meanwhile, every transaction acknowledged before the noted time is in the
 * copy. Each transaction of the server touches one dataset, so snapshots taken a moment apart are
 * still a state the server was in. Assets are content-addressed and written before the document that
 * names them commits, so the asset files present after the cut are a superset of those the copied
 * documents name. The archive is then read back: every file's SHA-256, SQLite's integrity check on
 * every database, and the counts in the manifest.
 *
 * Used by `npm run backup` / `npm run restore` (scripts/) and by the server (metrics: the age of
 * the last backup, from `<data>/backup-status.json`).
 */

export const BACKUP_FORMAT = 'ahp-content-hub-backup/1'
export const BACKUP_STATUS_FILE = 'backup-status.json'

export interface DatasetSummary {
  name: string
  documents: number
  transactions: number
  /** the newest transaction in the copy */
  lastTransactionId: string | null
  assets: number
}

export interface BackupManifest {
  format: typeof BACKUP_FORMAT
  /** when the cut was taken: every transaction acknowledged before this is in the copy */
  cutAt: string
  datasets: DatasetSummary[]
  users: number
  tokens: number
  files: {path: string; bytes: number; sha256: string}[]
}

export interface BackupStatus {
  at: string
  file: string
  bytes: number
  datasets: number
  documents: number
}

export type Progress = (line: string) => void

/** A plain sentence for the operator (the CLI prints it on one line). */
export class BackupError extends Error {
  override name = 'BackupError'
}

// ---- tar (POSIX ustar), written and read by hand ----

const BLOCK = 512

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`
}

function tarHeader(path: string, size: number, mtime: number): Buffer {
  const header = Buffer.alloc(BLOCK, 0)
  let name = path
  let prefix = ''
  if (Buffer.byteLength(name) > 100) {
    const cut = path.lastIndexOf('/', 155)
    prefix = path.slice(0, cut)
    name = path.slice(cut + 1)
    if (cut < 0 || Buffer.byteLength(name) > 100 || Buffer.byteLength(prefix) > 155) throw new BackupError(`path too long for the archive: ${path}`)
  }
  if (size > 0o77777777777) throw new BackupError(`${path} is over 8 GiB: too large for the archive format`)
  header.write(name, 0, 100, 'utf8')
  header.write(octal(PRIVATE_FILE_MODE, 8), 100, 'ascii')
  header.write(octal(0, 8), 108, 'ascii')
  header.write(octal(0, 8), 116, 'ascii')
  header.write(octal(size, 12), 124, 'ascii')
  header.write(octal(Math.floor(mtime / 1000), 12), 136, 'ascii')
  header.write('        ', 148, 'ascii')
  header.write('0', 156, 'ascii')
  header.write('ustar\0', 257, 'ascii')
  header.write('00', 263, 'ascii')
  header.write(prefix, 345, 155, 'utf8')
  let sum = 0
  for (const byte of header) sum += byte
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii')
  return header
}

class TarWriter {
  private readonly fd: number
  readonly files: BackupManifest['files'] = []

  constructor(readonly path: string) {
    this.fd = openSync(path, 'wx', PRIVATE_FILE_MODE)
  }

  private write(buffer: Buffer): void {
    let offset = 0
    while (offset < buffer.length) offset += writeSync(this.fd, buffer, offset)
  }

  /** Adds a file from disk, reading it in chunks (assets and databases can be large). */
  addFile(archivePath: string, source: string): void {
    const size = statSync(source).size
    this.write(tarHeader(archivePath, size, Date.now()))
    const hash = createHash('sha256')
    const fd = openSync(source, 'r')
    try {
      const chunk = Buffer.alloc(1024 * 1024)
      let left = size
      while (left > 0) {
        const read = readSync(fd, chunk, 0, Math.min(chunk.length, left), null)
        if (read === 0) throw new BackupError(`${source} shrank while it was copied`)
        const part = chunk.subarray(0, read)
        hash.update(part)
        this.write(part)
        left -= read
      }
    } finally {
      closeSync(fd)
    }
    if (size % BLOCK) this.write(Buffer.alloc(BLOCK - (size % BLOCK), 0))
    this.files.push({path: archivePath, bytes: size, sha256: hash.digest('hex')})
  }

  addBuffer(archivePath: string, data: Buffer): void {
    this.write(tarHeader(archivePath, data.length, Date.now()))
    this.write(data)
    if (data.length % BLOCK) this.write(Buffer.alloc(BLOCK - (data.length % BLOCK), 0))
  }

  close(): void {
    this.write(Buffer.alloc(BLOCK * 2, 0))
    fsyncSync(this.fd)
    closeSync(this.fd)
  }
}

/** Reads every entry of a tar file in order; `onEntry` gets its path and bytes (read in full: entries are files of this server). */
async function readTar(file: string, onEntry: (path: string, data: Buffer) => void | Promise<void>): Promise<void> {
  const fd = openSync(file, 'r')
  try {
    const header = Buffer.alloc(BLOCK)
    let position = 0
    for (;;) {
      if (readSync(fd, header, 0, BLOCK, position) !== BLOCK) throw new BackupError(`${file} is cut short: not a whole backup`)
      position += BLOCK
      if (header.every((b) => b === 0)) return
      if (header.toString('ascii', 257, 262) !== 'ustar') throw new BackupError(`${file} is not a backup made by npm run backup (no tar header at byte ${position - BLOCK})`)
      const field = (start: number, length: number) => header.toString('utf8', start, start + length).replace(/\0.*$/s, '')
      const name = field(0, 100)
      const prefix = field(345, 155)
      const size = Number.parseInt(field(124, 12).trim() || '0', 8)
      const path = prefix ? `${prefix}/${name}` : name
      const data = Buffer.alloc(size)
      let read = 0
      while (read < size) {
        const n = readSync(fd, data, read, size - read, position + read)
        if (n === 0) throw new BackupError(`${file} is cut short inside ${path}`)
        read += n
      }
      position += Math.ceil(size / BLOCK) * BLOCK
      await onEntry(path, data)
    }
  } finally {
    closeSync(fd)
  }
}

// ---- taking a backup ----

interface Snapshot {
  name: string
  path: string
  db: Database.Database
}

const DATASET_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/
const ASSET_FILE = /^[a-f0-9]{40}$/

function datasetNames(dataDir: string): string[] {
  const dir = join(dataDir, 'datasets')
  if (!existsSync(dir)) return []
  return readdirSync(dir, {withFileTypes: true})
    .filter((e) => e.isDirectory() && DATASET_NAME.test(e.name) && existsSync(join(dir, e.name, 'dataset.sqlite')))
    .map((e) => e.name)
    .sort()
}

function countRows(db: Database.Database, table: string): number {
  const exists = db.prepare(/* sql */ `SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(table)
  return exists ? (db.prepare<[], {n: number}>(`SELECT count(*) AS n FROM ${table}`).get()?.n ?? 0) : 0
}

function summarise(name: string, db: Database.Database, assets: number): DatasetSummary {
  const last = db.prepare<[], {id: string}>(/* sql */ `SELECT id FROM transactions ORDER BY seq DESC LIMIT 1`).get()
  return {name, documents: countRows(db, 'documents'), transactions: countRows(db, 'transactions'), lastTransactionId: last?.id ?? null, assets}
}

function tokenCount(json: Buffer | undefined): number {
  if (!json) return 0
  try {
    const parsed = JSON.parse(json.toString('utf8')) as {tokens?: unknown[]}
    return Array.isArray(parsed.tokens) ? parsed.tokens.length : 0
  } catch {
    return 0
  }
}

export async function createBackup(options: {dataDir: string; out: string; progress?: Progress; now?: () => Date}): Promise<BackupManifest> {
  const progress = options.progress ?? (() => {})
  const dataDir = resolve(options.dataDir)
  const out = resolve(options.out)
  const names = datasetNames(dataDir)
  if (names.length === 0) throw new BackupError(`nothing to back up: ${dataDir} has no datasets (set AHP_DATA_DIR or --data)`)
  if (existsSync(out)) throw new BackupError(`${out} already exists: give a new file name (backups are never overwritten)`)
  if (!existsSync(dirname(out))) throw new BackupError(`the folder ${dirname(out)} does not exist`)
  const staging = join(dirname(out), `.${basename(out)}.tmp-${process.pid}`)
  const partial = `${out}.partial-${process.pid}`
  privateDir(staging)
  const snapshots: Snapshot[] = []
  let writer: TarWriter | undefined
  try {
    // open every database first, then start every read transaction in one synchronous step: the cut
    for (const name of names) {
      const db = new Database(join(dataDir, 'datasets', name, 'dataset.sqlite'), {fileMustExist: true})
      db.pragma('busy_timeout = 10000')
      snapshots.push({name, path: `datasets/${name}/dataset.sqlite`, db})
    }
    const usersPath = join(dataDir, 'users.sqlite')
    if (existsSync(usersPath)) {
      const db = new Database(usersPath, {fileMustExist: true})
      db.pragma('busy_timeout = 10000')
      snapshots.push({name: '', path: 'users.sqlite', db})
    }
    const cutAt = (options.now ?? (() => new Date()))()
    for (const snapshot of snapshots) {
      snapshot.db.exec('BEGIN')
      // a read transaction takes its snapshot at its first read
      snapshot.db.prepare(/* sql */ `SELECT count(*) FROM sqlite_master`).get()
    }
    const tokensJson = existsSync(join(dataDir, 'tokens.json')) ? readFileSync(join(dataDir, 'tokens.json')) : undefined
    const adminToken = existsSync(join(dataDir, 'admin-token')) ? readFileSync(join(dataDir, 'admin-token')) : undefined
    progress(`Cut taken at ${cutAt.toISOString()}: ${names.length} dataset(s)${snapshots.some((s) => s.path === 'users.sqlite') ? ' and the accounts' : ''}`)

    const summaries: DatasetSummary[] = []
    let users = 0
    for (const snapshot of snapshots) {
      const copy = join(staging, snapshot.path.replace(/\//g, '__'))
      await snapshot.db.backup(copy)
      if (snapshot.path === 'users.sqlite') {
        users = countRows(snapshot.db, 'users')
        progress(`Copied the accounts: ${users} user(s)`)
      } else {
        const assetsDir = join(dataDir, 'datasets', snapshot.name, 'assets')
        const assets = existsSync(assetsDir) ? readdirSync(assetsDir).filter((f) => ASSET_FILE.test(f)).length : 0
        const summary = summarise(snapshot.name, snapshot.db, assets)
        summaries.push(summary)
        progress(`Copied dataset "${snapshot.name}": ${summary.documents} documents, ${summary.transactions} transactions`)
      }
      snapshot.db.exec('COMMIT')
      snapshot.db.close()
    }
    snapshots.length = 0

    writer = new TarWriter(partial)
    for (const summary of summaries) {
      writer.addFile(`datasets/${summary.name}/dataset.sqlite`, join(staging, `datasets__${summary.name}__dataset.sqlite`))
      const assetsDir = join(dataDir, 'datasets', summary.name, 'assets')
      const files = existsSync(assetsDir) ? readdirSync(assetsDir).filter((f) => ASSET_FILE.test(f)).sort() : []
      for (const file of files) writer.addFile(`datasets/${summary.name}/assets/${file}`, join(assetsDir, file))
      summary.assets = files.length
      if (files.length > 0) progress(`Added ${files.length} asset file(s) of "${summary.name}"`)
    }
    if (existsSync(join(staging, 'users.sqlite'))) writer.addFile('users.sqlite', join(staging, 'users.sqlite'))
    if (tokensJson) writePrivateFile(join(staging, 'tokens.json'), tokensJson)
    if (adminToken) writePrivateFile(join(staging, 'admin-token'), adminToken)
    for (const file of ['tokens.json', 'admin-token']) if (existsSync(join(staging, file))) writer.addFile(file, join(staging, file))
    for (const file of ['ca.pem', 'ca-key.pem', 'ca-names.json']) {
      if (existsSync(join(dataDir, 'tls', file))) writer.addFile(`tls/${file}`, join(dataDir, 'tls', file))
    }
    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      cutAt: cutAt.toISOString(),
      datasets: summaries,
      users,
      tokens: tokenCount(tokensJson),
      files: writer.files,
    }
    writer.addBuffer('manifest.json', Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`))
    writer.close()
    writer = undefined
    renameSync(partial, out)
    progress(`Wrote ${out} (${formatBytes(statSync(out).size)}); verifying it`)
    await verifyBackup(out, progress)
    const status: BackupStatus = {
      at: manifest.cutAt,
      file: out,
      bytes: statSync(out).size,
      datasets: summaries.length,
      documents: summaries.reduce((n, s) => n + s.documents, 0),
    }
    writePrivateFile(join(dataDir, BACKUP_STATUS_FILE), `${JSON.stringify(status, null, 2)}\n`)
    return manifest
  } catch (err) {
    for (const snapshot of snapshots) if (snapshot.db.open) snapshot.db.close()
    rmSync(partial, {force: true})
    throw err
  } finally {
    rmSync(staging, {recursive: true, force: true})
  }
}

// ---- checking and restoring ----

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`
  if (bytes < 1024 ** 3) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`
}

const SAFE_PATH = /^(?:manifest\.json|users\.sqlite|tokens\.json|admin-token|tls\/(?:ca\.pem|ca-key\.pem|ca-names\.json)|datasets\/[a-z0-9][a-z0-9_-]{0,63}\/(?:dataset\.sqlite|assets\/[a-f0-9]{40}))$/

/**
 * Reads a backup through: every file's SHA-256 against the manifest, SQLite's integrity check on
 * every database, the manifest's counts, and an asset file for every asset document. Extracts into
 * `into` when given (a new folder); throws a BackupError naming the first problem.
 */
export async function verifyBackup(file: string, progress: Progress = () => {}, into?: string): Promise<BackupManifest> {
  if (!existsSync(file)) throw new BackupError(`${file} does not exist`)
  const work = into ?? join(dirname(resolve(file)), `.${basename(file)}.verify-${process.pid}`)
  privateDir(work)
  const seen = new Map<string, string>()
  let manifest: BackupManifest | undefined
  try {
    await readTar(file, (path, data) => {
      if (!SAFE_PATH.test(path)) throw new BackupError(`${file} holds an unexpected entry "${path}": not a backup made by npm run backup`)
      if (path === 'manifest.json') {
        manifest = JSON.parse(data.toString('utf8')) as BackupManifest
        return
      }
      seen.set(path, createHash('sha256').update(data).digest('hex'))
      const target = join(work, path)
      privateDir(dirname(target))
      writePrivateFile(target, data)
    })
    if (!manifest || manifest.format !== BACKUP_FORMAT) throw new BackupError(`${file} has no manifest of format ${BACKUP_FORMAT}: not a whole backup`)
    for (const entry of manifest.files) {
      const hash = seen.get(entry.path)
      if (hash === undefined) throw new BackupError(`${file} is missing ${entry.path}`)
      if (hash !== entry.sha256) throw new BackupError(`${file}: ${entry.path} does not match its checksum`)
    }
    for (const summary of manifest.datasets) {
      const db = new Database(join(work, 'datasets', summary.name, 'dataset.sqlite'), {readonly: true, fileMustExist: true})
      try {
        const integrity = String(db.pragma('integrity_check', {simple: true}))
        if (integrity !== 'ok') throw new BackupError(`${file}: dataset "${summary.name}" fails SQLite's integrity check: ${integrity}`)
        const found = summarise(summary.name, db, summary.assets)
        if (found.documents !== summary.documents || found.transactions !== summary.transactions || found.lastTransactionId !== summary.lastTransactionId) {
          throw new BackupError(`${file}: dataset "${summary.name}" holds ${found.documents} documents and ${found.transactions} transactions, the manifest says ${summary.documents} and ${summary.transactions}`)
        }
        const assetDocs = db
          .prepare<[], {json: string}>(/* sql */ `SELECT json FROM documents WHERE type IN ('sanity.imageAsset', 'sanity.fileAsset')`)
          .all()
        for (const row of assetDocs) {
          const hash = (JSON.parse(row.json) as {sha1hash?: unknown}).sha1hash
          if (typeof hash === 'string' && !seen.has(`datasets/${summary.name}/assets/${hash}`)) {
            throw new BackupError(`${file}: dataset "${summary.name}" names asset ${hash}, whose file is not in the backup`)
          }
        }
      } finally {
        db.close()
      }
      progress(`Checked dataset "${summary.name}": integrity ok, ${summary.documents} documents, ${summary.transactions} transactions, ${summary.assets} asset file(s)`)
    }
    if (seen.has('users.sqlite')) {
      const db = new Database(join(work, 'users.sqlite'), {readonly: true, fileMustExist: true})
      try {
        const integrity = String(db.pragma('integrity_check', {simple: true}))
        if (integrity !== 'ok') throw new BackupError(`${file}: the accounts (users.sqlite) fail SQLite's integrity check: ${integrity}`)
        if (countRows(db, 'users') !== manifest.users) throw new BackupError(`${file}: the accounts do not match the manifest's count`)
      } finally {
        db.close()
      }
    }
    progress(`Verified ${file}: ${manifest.datasets.length} dataset(s), ${manifest.users} account(s), ${manifest.tokens} token(s), cut at ${manifest.cutAt}`)
    return manifest
  } finally {
    if (!into) rmSync(work, {recursive: true, force: true})
  }
}

/**
 * Restores a backup into an empty (or absent) data folder; refuses a folder with anything in it,
 * changing nothing. The archive is verified while it is extracted into a hidden folder inside the
 * target (so the service's user needs write access to the data folder only, not its parent); its
 * contents are moved into place only when everything checked out.
 */
export async function restoreBackup(options: {file: string; dataDir: string; progress?: Progress}): Promise<BackupManifest> {
  const progress = options.progress ?? (() => {})
  const file = resolve(options.file)
  const dataDir = resolve(options.dataDir)
  if (!existsSync(file)) throw new BackupError(`${file} does not exist`)
  const exists = existsSync(dataDir)
  if (exists) {
    if (!statSync(dataDir).isDirectory()) throw new BackupError(`${dataDir} is not a folder`)
    const entries = readdirSync(dataDir)
    if (entries.length > 0) {
      throw new BackupError(`refusing to restore into ${dataDir}: it is not empty (${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}, e.g. ${entries[0]}); restore into an empty or new folder`)
    }
  }
  privateDir(dataDir)
  const staging = join(dataDir, `.restoring-${process.pid}`)
  try {
    const manifest = await verifyBackup(file, progress, staging)
    for (const summary of manifest.datasets) privateDir(join(staging, 'datasets', summary.name, 'assets'))
    for (const entry of readdirSync(staging)) renameSync(join(staging, entry), join(dataDir, entry))
    rmdirSync(staging)
    securePrivateTree(dataDir)
    progress(`Restored into ${dataDir}`)
    return manifest
  } catch (err) {
    rmSync(staging, {recursive: true, force: true})
    // the folder is left as it was found: absent, or empty
    if (!exists) rmSync(dataDir, {recursive: true, force: true})
    throw err
  }
}

/** The last backup taken of this data folder, from `<data>/backup-status.json`; undefined when none. */
export function readBackupStatus(dataDir: string): BackupStatus | undefined {
  try {
    const status = JSON.parse(readFileSync(join(dataDir, BACKUP_STATUS_FILE), 'utf8')) as BackupStatus
    return typeof status.at === 'string' && !Number.isNaN(Date.parse(status.at)) ? status : undefined
  } catch {
    return undefined
  }
}

