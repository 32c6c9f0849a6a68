import {createHash, randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions} from 'node:crypto'
import {join} from 'node:path'
import Database from 'better-sqlite3'
import {privateDir, touchPrivateFile} from './files.js'
import type {ContentRole} from './types.js'

/**
 * Local accounts of the Studio: `<data>/users.sqlite` holds users (email, name, role, scrypt
 * password hash) and each user's key-value settings (`/users/me/keyvalue`). Signing in issues a
 * session token in the token store (server/auth.ts) that stands for the user and their role.
 */

export interface User {
  id: string
  email: string
  name: string
  role: ContentRole
  createdAt: string
  /** an organisation account (OpenID Connect): its role comes from the provider's claims at each sign-in */
  external?: {issuer: string; subject: string; picture: string | null}
}

/** What an OpenID provider says of a person at sign-in. */
export interface ExternalIdentity {
  issuer: string
  subject: string
  email: string
  name: string
  picture: string | null
  role: User['role']
}

interface ExternalRow {
  id: string
  issuer: string
  subject: string
  email: string
  name: string
  picture: string | null
  role: User['role']
  created_at: string
  signed_in_at: string
}

interface UserRow {
  id: string
  email: string
  name: string
  role: ContentRole
  password: string
  created_at: string
}

export interface ScryptCost {
  N: number
  r: number
  p: number
}

/**
 * scrypt cost: OWASP's Password Storage Cheat Sheet minimum (N=2^17, r=8, p=1: 128 MiB and about
 * a quarter of a second a hash). Stored with every hash; a hash made at another cost is made
 * again at this one on the user's next good sign-in.
 */
export const SCRYPT_COST: ScryptCost = {N: 2 ** 17, r: 8, p: 1}
const KEY_LENGTH = 64
/** hashes computed at once (each holds 128 MiB); more wait their turn, up to MAX_WAITING */
const MAX_HASHING = 2
const MAX_WAITING = 64

/** Too many sign-ins at once: the server answers 503 and the person tries again. */
export class HashingBusyError extends Error {}

let hashing = 0
const waiting: (() => void)[] = []

async function scrypt(password: string, salt: Buffer, keylen: number, cost: ScryptCost): Promise<Buffer> {
  // scrypt needs 128·N·r bytes; Node refuses above `maxmem` (32 MiB by default), so allow twice that
  const options: ScryptOptions = {...cost, maxmem: 2 * 128 * cost.N * cost.r}
  if (hashing >= MAX_HASHING) {
    if (waiting.length >= MAX_WAITING) throw new HashingBusyError('too many sign-ins at once')
    await new Promise<void>((resolve) => waiting.push(resolve))
  }
  hashing += 1
  try {
    return await new Promise((resolve, reject) => {
      scryptCallback(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key)))
    })
  } finally {
    hashing -= 1
    waiting.shift()?.()
  }
}

/** `scrypt$N$r$p$<salt base64>$<hash base64>` */
export async function hashPassword(password: string, cost: ScryptCost = SCRYPT_COST): Promise<string> {
  const salt = randomBytes(16)
  const key = await scrypt(password, salt, KEY_LENGTH, cost)
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64'), key.toString('base64')].join('$')
}

/** The cost a stored hash was made at; undefined for a hash this server would not compute (out of bounds). */
function costOf(stored: string): ScryptCost | undefined {
  const [scheme, n, r, p] = stored.split('$')
  const cost = {N: Number(n), r: Number(r), p: Number(p)}
  if (scheme !== 'scrypt' || !Number.isInteger(cost.N) || !Number.isInteger(cost.r) || !Number.isInteger(cost.p)) return undefined
  const powerOfTwo = cost.N > 1 && (cost.N & (cost.N - 1)) === 0
  return powerOfTwo && cost.N <= 2 ** 20 && cost.r >= 1 && cost.r <= 32 && cost.p >= 1 && cost.p <= 16 ? cost : undefined
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [, , , , saltB64, hashB64] = stored.split('$')
  const cost = costOf(stored)
  if (!cost || !saltB64 || !hashB64) return false
  const expected = Buffer.from(hashB64, 'base64')
  if (expected.length < 16) return false
  const key = await scrypt(password, Buffer.from(saltB64, 'base64'), expected.length, cost)
  return key.length === expected.length && timingSafeEqual(key, expected)
}

/** true when a stored hash was made at another cost than today's */
export function needsRehash(stored: string): boolean {
  const cost = costOf(stored)
  return !cost || cost.N !== SCRYPT_COST.N || cost.r !== SCRYPT_COST.r || cost.p !== SCRYPT_COST.p
}

/** A password hash that no password matches, so unknown emails take as long as known ones. */
let decoyHash: Promise<string> | undefined

export const MIN_PASSWORD_LENGTH = 8

const EMAIL = /^[^\s@]+@[^\s@]+$/

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase()
}

export class UserStore {
  private readonly db: Database.Database

  constructor(readonly dataDir: string) {
    privateDir(dataDir)
    touchPrivateFile(join(dataDir, 'users.sqlite'))
    this.db = new Database(join(dataDir, 'users.sqlite'))
    this.db.pragma('journal_mode = WAL')
    this.db.pragma('busy_timeout = 5000')
    this.db.exec(/* sql */ `
      CREATE TABLE IF NOT EXISTS users (
        id TEXT PRIMARY KEY,
        email TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        role TEXT NOT NULL,
        password TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS external_users (
        id TEXT PRIMARY KEY,
        issuer TEXT NOT NULL,
        subject TEXT NOT NULL,
        email TEXT NOT NULL,
        name TEXT NOT NULL,
        picture TEXT,
        role TEXT NOT NULL,
        created_at TEXT NOT NULL,
        signed_in_at TEXT NOT NULL,
        UNIQUE (issuer, subject)
      );
      CREATE TABLE IF NOT EXISTS keyvalue (
        user_id TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (user_id, key)
      );
    `)
  }

  private static toUser(row: UserRow): User {
    return {id: row.id, email: row.email, name: row.name, role: row.role, createdAt: row.created_at}
  }

  list(): User[] {
    return this.db.prepare<[], UserRow>(/* sql */ `SELECT * FROM users ORDER BY email`).all().map(UserStore.toUser)
  }

  private static toExternalUser(row: ExternalRow): User {
    return {
      id: row.id,
      email: row.email,
      name: row.name,
      role: row.role,
      createdAt: row.created_at,
      external: {issuer: row.issuer, subject: row.subject, picture: row.picture},
    }
  }

  /** A local or an organisation account by id. */
  get(id: string): User | undefined {
    const row = this.db.prepare<[string], UserRow>(/* sql */ `SELECT * FROM users WHERE id = ?`).get(id)
    if (row) return UserStore.toUser(row)
    const external = this.db.prepare<[string], ExternalRow>(/* sql */ `SELECT * FROM external_users WHERE id = ?`).get(id)
    return external ? UserStore.toExternalUser(external) : undefined
  }

  /**
   * Records an organisation account as its provider describes it at sign-in (name, email, picture
   * and role as of now), keyed by issuer and subject; its id stays the same across sign-ins so
   * history and presence keep naming the person.
   */
  upsertExternal(identity: ExternalIdentity): User {
    const now = new Date().toISOString()
    const id = `e${createHash('sha256').update(`${identity.issuer}\n${identity.subject}`).digest('base64url').slice(0, 16)}`
    this.db
      .prepare(/* sql */ `
        INSERT INTO external_users (id, issuer, subject, email, name, picture, role, created_at, signed_in_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (issuer, subject) DO UPDATE SET email = excluded.email, name = excluded.name, picture = excluded.picture,
          role = excluded.role, signed_in_at = excluded.signed_in_at
      `)
      .run(id, identity.issuer, identity.subject, identity.email, identity.name, identity.picture, identity.role, now, now)
    return this.get(id) as User
  }

  byEmail(email: string): User | undefined {
    const row = this.db.prepare<[string], UserRow>(/* sql */ `SELECT * FROM users WHERE email = ?`).get(normaliseEmail(email))
    return row ? UserStore.toUser(row) : undefined
  }

  /** Creates a user, or replaces the role, name and password of the user with that email. */
  async upsert(input: {email: string; name?: string | undefined; role: ContentRole; password: string}): Promise<{user: User; created: boolean}> {
    const email = normaliseEmail(input.email)
    if (!EMAIL.test(email)) throw new Error(`"${input.email}" is not an email address`)
    if (input.password.length < MIN_PASSWORD_LENGTH) throw new Error(`the password must have at least ${MIN_PASSWORD_LENGTH} characters`)
    const password = await hashPassword(input.password)
    const existing = this.byEmail(email)
    const name = input.name?.trim() || existing?.name || email.split('@')[0] || email
    if (existing) {
      this.db
        .prepare(/* sql */ `UPDATE users SET name = ?, role = ?, password = ? WHERE id = ?`)
        .run(name, input.role, password, existing.id)
      return {user: {...existing, name, role: input.role}, created: false}
    }
    const user: User = {id: `p${randomBytes(6).toString('base64url')}`, email, name, role: input.role, createdAt: new Date().toISOString()}
    this.db
      .prepare(/* sql */ `INSERT INTO users (id, email, name, role, password, created_at) VALUES (?, ?, ?, ?, ?, ?)`)
      .run(user.id, user.email, user.name, user.role, password, user.createdAt)
    return {user, created: true}
  }

  delete(id: string): boolean {
    const info = this.db.prepare(/* sql */ `DELETE FROM users WHERE id = ?`).run(id)
    this.db.prepare(/* sql */ `DELETE FROM keyvalue WHERE user_id = ?`).run(id)
    return info.changes > 0
  }

  /** The user whose email and password these are; undefined otherwise (in about the same time). */
  async authenticate(email: string, password: string): Promise<User | undefined> {
    const row = this.db.prepare<[string], UserRow>(/* sql */ `SELECT * FROM users WHERE email = ?`).get(normaliseEmail(email))
    if (!row) {
      decoyHash ??= hashPassword(randomBytes(16).toString('hex'))
      await verifyPassword(password, await decoyHash)
      return undefined
    }
    if (!(await verifyPassword(password, row.password))) return undefined
    if (needsRehash(row.password)) {
      // made at an older cost: made again at today's, now that the password is known
      const rehashed = await hashPassword(password)
      this.db.prepare(/* sql */ `UPDATE users SET password = ? WHERE id = ? AND password = ?`).run(rehashed, row.id, row.password)
    }
    return UserStore.toUser(row)
  }

  getValues(userId: string, keys: string[]): {key: string; value: unknown}[] {
    const select = this.db.prepare<[string, string], {value: string}>(/* sql */ `SELECT value FROM keyvalue WHERE user_id = ? AND key = ?`)
    return keys.map((key) => {
      const row = select.get(userId, key)
      return {key, value: row ? (JSON.parse(row.value) as unknown) : null}
    })
  }

  setValues(userId: string, pairs: {key: string; value: unknown}[]): {key: string; value: unknown}[] {
    const upsert = this.db.prepare(/* sql */ `
      INSERT INTO keyvalue (user_id, key, value, updated_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (user_id, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
    `)
    const remove = this.db.prepare(/* sql */ `DELETE FROM keyvalue WHERE user_id = ? AND key = ?`)
    const now = new Date().toISOString()
    this.db.transaction(() => {
      for (const {key, value} of pairs) {
        if (value === null || value === undefined) remove.run(userId, key)
        else upsert.run(userId, key, JSON.stringify(value), now)
      }
    })()
    return pairs.map(({key, value}) => ({key, value: value ?? null}))
  }

  close(): void {
    if (this.db.open) this.db.close()
  }
}
