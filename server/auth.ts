import {createHash, randomBytes, timingSafeEqual} from 'node:crypto'
import {chmodSync, existsSync, readFileSync, renameSync, statSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import type {Caller, ContentRole, Role} from './types.js'

/**
 * Tokens live in the data folder: `<data>/admin-token` (or AHP_ADMIN_TOKEN) for the administrator,
 * and `<data>/tokens.json` for the rest, stored as SHA-256 hashes with a role. A signed-in
 * session's token also carries when it ends: `expiresAt` (absolute) and `idleMs` after its last
 * use. Last use is kept in memory and written to the file at most once a minute, never on every
 * request.
 */

/** Roles of accounts (and content tokens). */
export const ROLES: readonly ContentRole[] = ['administrator', 'editor', 'viewer']
/** Roles a token can have: the content roles, and `metrics` (reads `/metrics` only). */
export const TOKEN_ROLES: readonly Role[] = [...ROLES, 'metrics']

export interface TokenRecord {
  id: string
  label: string
  role: Role
  hash: string
  createdAt: string
  /** a signed-in user's session token stands for that user (server/users.ts); API tokens have none */
  userId?: string
  /** sessions: when the session ends whatever happens (ISO time) */
  expiresAt?: string
  /** sessions: the session ends when unused this long */
  idleMs?: number
  /** sessions: last use, written coarsely (see LAST_USED_WRITE_MS) */
  lastUsedAt?: string
}

export interface SessionLifetime {
  idleMs: number
  maxMs: number
}

/** last use is written to tokens.json at most this often (or a quarter of the idle time, if shorter) */
const LAST_USED_WRITE_MS = 60_000

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex')

export function generateToken(): string {
  return `sk_ahp_${randomBytes(32).toString('base64url')}`
}

function writePrivate(path: string, content: string): void {
  const tmp = `${path}.tmp-${process.pid}`
  writeFileSync(tmp, content, {mode: 0o600})
  chmodSync(tmp, 0o600)
  renameSync(tmp, path)
}

export class TokenStore {
  private readonly file: string
  readonly adminTokenFile: string
  private adminToken: string
  private readonly now: () => number
  /** tokens.json as last read or written, and the file's identity then */
  private cache: {stamp: string; tokens: TokenRecord[]} | undefined
  /** session id → last use (ms), newer than the file's `lastUsedAt` */
  private readonly lastUsed = new Map<string, number>()
  private lastWrite = 0

  constructor(
    readonly dataDir: string,
    adminToken?: string,
    options: {now?: () => number} = {},
  ) {
    this.now = options.now ?? Date.now
    this.file = join(dataDir, 'tokens.json')
    this.adminTokenFile = join(dataDir, 'admin-token')
    if (adminToken) {
      this.adminToken = adminToken
    } else if (existsSync(this.adminTokenFile)) {
      this.adminToken = readFileSync(this.adminTokenFile, 'utf8').trim()
    } else {
      this.adminToken = generateToken()
      writePrivate(this.adminTokenFile, `${this.adminToken}\n`)
    }
  }

  /** Where the administrator token is, for messages: the file, or the environment. */
  get adminTokenSource(): string {
    return existsSync(this.adminTokenFile) && readFileSync(this.adminTokenFile, 'utf8').trim() === this.adminToken
      ? this.adminTokenFile
      : 'AHP_ADMIN_TOKEN'
  }

  getAdminToken(): string {
    return this.adminToken
  }

  private stamp(): string | undefined {
    try {
      const info = statSync(this.file)
      return `${info.ino}:${info.size}:${info.mtimeMs}`
    } catch {
      return undefined
    }
  }

  /** Every token record; re-read only when the file changed (another process may write it). */
  list(): TokenRecord[] {
    const stamp = this.stamp()
    if (stamp === undefined) return []
    if (this.cache?.stamp === stamp) return this.cache.tokens
    const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as {tokens?: TokenRecord[]}
    const tokens = Array.isArray(parsed.tokens) ? parsed.tokens : []
    this.cache = {stamp, tokens}
    return tokens
  }

  private write(tokens: TokenRecord[]): void {
    writePrivate(this.file, `${JSON.stringify({tokens}, null, 2)}\n`)
    const stamp = this.stamp()
    this.cache = stamp ? {stamp, tokens} : undefined
  }

  /** A new token and its record (not yet stored). */
  private mint(role: Role, label: string, extra: Partial<TokenRecord> = {}): {token: string; record: TokenRecord} {
    const token = generateToken()
    const record: TokenRecord = {id: `t${randomBytes(6).toString('hex')}`, label, role, hash: sha256(token), createdAt: new Date(this.now()).toISOString(), ...extra}
    return {token, record}
  }

  /** A session token for a signed-in user, ending after `lifetime`; sessions already over are dropped from the file. */
  createSession(role: Role, label: string, userId: string, lifetime: SessionLifetime): {token: string; record: TokenRecord} {
    const now = this.now()
    const minted = this.mint(role, label, {
      userId,
      expiresAt: new Date(now + lifetime.maxMs).toISOString(),
      idleMs: Math.min(lifetime.idleMs, lifetime.maxMs),
      lastUsedAt: new Date(now).toISOString(),
    })
    this.write([...this.list().filter((t) => !this.ended(t, now)), minted.record])
    return minted
  }

  /** true when a session's absolute or idle lifetime has passed (API tokens never end by themselves) */
  private ended(record: TokenRecord, now: number): boolean {
    // a session from before sessions had lifetimes: its owner signs in again
    if (record.userId !== undefined && record.expiresAt === undefined) return true
    if (record.expiresAt !== undefined && Date.parse(record.expiresAt) <= now) return true
    if (record.idleMs !== undefined) {
      const used = Math.max(Date.parse(record.lastUsedAt ?? record.createdAt) || 0, this.lastUsed.get(record.id) ?? 0)
      if (now - used > record.idleMs) return true
    }
    return false
  }

  /** Writes last-use times held in memory, at most once every LAST_USED_WRITE_MS. */
  private noteUse(record: TokenRecord, now: number): void {
    if (record.idleMs === undefined) return
    this.lastUsed.set(record.id, now)
    const every = Math.min(LAST_USED_WRITE_MS, record.idleMs / 4)
    const stored = Date.parse(record.lastUsedAt ?? record.createdAt) || 0
    if (now - stored < every || now - this.lastWrite < Math.min(every, 1_000)) return
    this.lastWrite = now
    const tokens = this.list().map((t) => {
      const used = this.lastUsed.get(t.id)
      return used !== undefined && used > (Date.parse(t.lastUsedAt ?? t.createdAt) || 0) ? {...t, lastUsedAt: new Date(used).toISOString()} : t
    })
    this.lastUsed.clear()
    this.write(tokens)
  }

  create(role: Role, label: string = role, userId?: string): {token: string; record: TokenRecord} {
    const minted = this.mint(role, label, userId ? {userId} : {})
    this.write([...this.list(), minted.record])
    return minted
  }

  remove(id: string): boolean {
    const tokens = this.list()
    const kept = tokens.filter((t) => t.id !== id)
    if (kept.length === tokens.length) return false
    this.write(kept)
    this.lastUsed.delete(id)
    return true
  }

  /**
   * Ends a signed-in session by its token (sign-out); false when the token is no session: an API
   * token or the administrator token is never revoked by a sign-out.
   */
  revokeSession(token: string): boolean {
    const hash = sha256(token)
    const record = this.list().find((t) => t.hash === hash && t.userId !== undefined)
    return record ? this.remove(record.id) : false
  }

  /** Revokes every session token of a user (the user was deleted or changed role); returns how many. */
  revokeUser(userId: string): number {
    const tokens = this.list()
    const kept = tokens.filter((t) => t.userId !== userId)
    if (kept.length !== tokens.length) this.write(kept)
    return tokens.length - kept.length
  }

  /** The caller a bearer token stands for; `undefined` when the token is unknown or its session has ended. */
  resolve(token: string): Caller | undefined {
    const given = Buffer.from(sha256(token), 'hex')
    if (timingSafeEqual(given, Buffer.from(sha256(this.adminToken), 'hex'))) return {role: 'administrator', userId: 'p-admin'}
    for (const record of this.list()) {
      if (!timingSafeEqual(given, Buffer.from(record.hash, 'hex'))) continue
      const now = this.now()
      if (this.ended(record, now)) return undefined
      this.noteUse(record, now)
      return {role: record.role, userId: record.userId ?? `p-${record.id}`}
    }
    return undefined
  }
}
