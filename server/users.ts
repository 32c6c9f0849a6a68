import {randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions} from 'node:crypto'
import {mkdirSync} from 'node:fs'
import {join} from 'node:path'
import Database from 'better-sqlite3'
import type {Role} from './types.js'

/**
 * Local accounts of the Studio: `<data>/users.sqlite` holds users (email, name, role, scrypt
 * password hash) and each user's key-value settings (`/users/me/keyvalue`). Signing in issues a
 * session token in the token store (server/auth.ts) that stands for the user and their role.
 */

export interface User {
  id: string
  email: string
  name: string
  role: Role
  createdAt: string
}

interface UserRow {
  id: string
  email: string
  name: string
  role: Role
  password: string
  created_at: string
}

/** scrypt cost parameters; stored with every hash so they can be raised later without breaking old hashes. */
const SCRYPT = {N: 16384, r: 8, p: 1, keylen: 64} as const

function scrypt(password: string, salt: Buffer, keylen: number, cost: {N: number; r: number; p: number}): Promise<Buffer> {
  const options: ScryptOptions = {...cost, maxmem: 256 * cost.N * cost.r}
  return new Promise((resolve, reject) => {
    scryptCallback(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key)))
  })
}

/** `scrypt$N$r$p$<salt base64>$<hash base64>` */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16)
  const key = await scrypt(password, salt, SCRYPT.keylen, {N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p})
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64'), key.toString('base64')].join('$')
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, saltB64, hashB64] = stored.split('$')
  if (scheme !== 'scrypt' || !n || !r || !p || !saltB64 || !hashB64) return false
  const expected = Buffer.from(hashB64, 'base64')
  const key = await scrypt(password, Buffer.from(saltB64, 'base64'), expected.length, {N: Number(n), r: Number(r), p: Number(p)})
  return key.length === expected.length && timingSafeEqual(key, expected)
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
    mkdirSync(dataDir, {recursive: true})
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

  get(id: string): User | undefined {
    const row = this.db.prepare<[string], UserRow>(/* sql */ `SELECT * FROM users WHERE id = ?`).get(id)
    return row ? UserStore.toUser(row) : undefined
  }

  byEmail(email: string): User | undefined {
    const row = this.db.prepare<[string], UserRow>(/* sql */ `SELECT * FROM users WHERE email = ?`).get(normaliseEmail(email))
    return row ? UserStore.toUser(row) : undefined
  }

  /** Creates a user, or replaces the role, name and password of the user with that email. */
  async upsert(input: {email: string; name?: string | undefined; role: Role; password: string}): Promise<{user: User; created: boolean}> {
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
    return (await verifyPassword(password, row.password)) ? UserStore.toUser(row) : undefined
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
