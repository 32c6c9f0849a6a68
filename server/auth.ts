import {createHash, randomBytes, timingSafeEqual} from 'node:crypto'
import {chmodSync, existsSync, readFileSync, renameSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import type {Caller, Role} from './types.js'

/**
 * Tokens live in the data folder: `<data>/admin-token` (or AHP_ADMIN_TOKEN) for the administrator,
 * and `<data>/tokens.json` for the rest, stored as SHA-256 hashes with a role.
 */

export const ROLES: readonly Role[] = ['administrator', 'editor', 'viewer']

export interface TokenRecord {
  id: string
  label: string
  role: Role
  hash: string
  createdAt: string
  /** a signed-in user's session token stands for that user (server/users.ts); API tokens have none */
  userId?: string
}

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

  constructor(
    readonly dataDir: string,
    adminToken?: string,
  ) {
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

  list(): TokenRecord[] {
    if (!existsSync(this.file)) return []
    const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as {tokens?: TokenRecord[]}
    return Array.isArray(parsed.tokens) ? parsed.tokens : []
  }

  create(role: Role, label: string = role, userId?: string): {token: string; record: TokenRecord} {
    const token = generateToken()
    const record: TokenRecord = {
      id: `t${randomBytes(6).toString('hex')}`,
      label,
      role,
      hash: sha256(token),
      createdAt: new Date().toISOString(),
      ...(userId ? {userId} : {}),
    }
    writePrivate(this.file, `${JSON.stringify({tokens: [...this.list(), record]}, null, 2)}\n`)
    return {token, record}
  }

  remove(id: string): boolean {
    const tokens = this.list()
    const kept = tokens.filter((t) => t.id !== id)
    if (kept.length === tokens.length) return false
    writePrivate(this.file, `${JSON.stringify({tokens: kept}, null, 2)}\n`)
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
    if (kept.length !== tokens.length) writePrivate(this.file, `${JSON.stringify({tokens: kept}, null, 2)}\n`)
    return tokens.length - kept.length
  }

  /** The caller a bearer token stands for; `undefined` when the token is unknown. */
  resolve(token: string): Caller | undefined {
    const given = Buffer.from(sha256(token), 'hex')
    if (timingSafeEqual(given, Buffer.from(sha256(this.adminToken), 'hex'))) return {role: 'administrator', userId: 'p-admin'}
    for (const record of this.list()) {
      if (timingSafeEqual(given, Buffer.from(record.hash, 'hex'))) return {role: record.role, userId: record.userId ?? `p-${record.id}`}
    }
    return undefined
  }
}
