/**
 * Sign-in throttling (SECURITY.md, "Sign-in and sessions"): a progressive delay after failed
 * sign-ins, never a lockout. Three counters, each a capped exponential back-off:
 * - per account and address: one address guessing one account's password;
 * - per address: one address spraying passwords over many accounts;
 * - per account, from addresses that never signed in to it: a password guessed from many addresses.
 * An address that has signed in to an account before skips that account's counter, so nobody can
 * keep an editor out of their own account by failing on purpose from elsewhere. An attempt counts
 * as failed from the moment it starts (cleared when it succeeds), so parallel guesses count too.
 * Every map is bounded: the oldest entries go first.
 */

export interface BackoffRule {
  /** failures allowed before any delay */
  free: number
  /** the first delay; each further failure doubles it */
  baseMs: number
  /** the longest delay */
  capMs: number
}

export const THROTTLE_RULES = {
  pair: {free: 3, baseMs: 2_000, capMs: 5 * 60_000},
  address: {free: 10, baseMs: 2_000, capMs: 5 * 60_000},
  account: {free: 5, baseMs: 2_000, capMs: 60_000},
} as const satisfies Record<string, BackoffRule>

/** failures are forgotten this long after the last one */
export const FORGET_AFTER_MS = 60 * 60_000
/** an address that signed in to an account is known to it this long */
const KNOWN_FOR_MS = 30 * 24 * 60 * 60_000
const MAX_ENTRIES = 10_000

/** A Map that forgets its oldest entries past `max` (insertion order; a `set` moves an entry last). */
export class BoundedMap<K, V> {
  private readonly map = new Map<K, V>()
  constructor(private readonly max: number) {}
  get(key: K): V | undefined {
    return this.map.get(key)
  }
  set(key: K, value: V): void {
    this.map.delete(key)
    this.map.set(key, value)
    while (this.map.size > this.max) {
      const oldest = this.map.keys().next()
      if (oldest.done) break
      this.map.delete(oldest.value)
    }
  }
  delete(key: K): boolean {
    return this.map.delete(key)
  }
  get size(): number {
    return this.map.size
  }
  entries(): IterableIterator<[K, V]> {
    return this.map.entries()
  }
}

class Backoff {
  private readonly entries: BoundedMap<string, {failures: number; last: number}>
  constructor(
    private readonly rule: BackoffRule,
    max: number,
  ) {
    this.entries = new BoundedMap(max)
  }

  /** ms to wait before the next attempt for `key` */
  wait(key: string, now: number): number {
    const entry = this.entries.get(key)
    if (!entry) return 0
    if (now - entry.last > FORGET_AFTER_MS) {
      this.entries.delete(key)
      return 0
    }
    if (entry.failures < this.rule.free) return 0
    const delay = Math.min(this.rule.capMs, this.rule.baseMs * 2 ** Math.min(entry.failures - this.rule.free, 30))
    return Math.max(0, entry.last + delay - now)
  }

  fail(key: string, now: number): void {
    const entry = this.entries.get(key)
    const failures = entry && now - entry.last <= FORGET_AFTER_MS ? entry.failures : 0
    this.entries.set(key, {failures: failures + 1, last: now})
  }

  /** the failure's answer went out now: the delay runs from here (a hash takes a while) */
  touch(key: string, now: number): void {
    const entry = this.entries.get(key)
    if (entry) entry.last = Math.max(entry.last, now)
  }

  /** takes back one failure (an attempt that turned out right) */
  undo(key: string): void {
    const entry = this.entries.get(key)
    if (!entry) return
    if (entry.failures <= 1) this.entries.delete(key)
    else entry.failures -= 1
  }

  clear(key: string): void {
    this.entries.delete(key)
  }

  get size(): number {
    return this.entries.size
  }
}

/** IPv4-mapped addresses as IPv4; IPv6 addresses by their /64 (one host often holds a whole /64). */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
  if (mapped?.[1]) return mapped[1]
  if (!address.includes(':')) return address
  const [head = '', tail = ''] = address.toLowerCase().split('::')
  const left = head ? head.split(':') : []
  const right = tail ? tail.split(':') : []
  const groups = address.includes('::') ? [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`
}

export interface Attempt {
  account: string
  address: string
}

export class SignInThrottle {
  private readonly pair = new Backoff(THROTTLE_RULES.pair, MAX_ENTRIES)
  private readonly address = new Backoff(THROTTLE_RULES.address, MAX_ENTRIES)
  private readonly account = new Backoff(THROTTLE_RULES.account, MAX_ENTRIES)
  private readonly known = new BoundedMap<string, number>(MAX_ENTRIES)

  private keys(attempt: Attempt) {
    const account = attempt.account.trim().toLowerCase()
    const address = addressKey(attempt.address)
    return {account, address, pair: `${account}\n${address}`}
  }

  private isKnown(pair: string, now: number): boolean {
    const until = this.known.get(pair)
    if (until === undefined) return false
    if (until < now) {
      this.known.delete(pair)
      return false
    }
    return true
  }

  /** ms before this attempt may be made; 0: go ahead */
  wait(attempt: Attempt, now: number): number {
    const {account, address, pair} = this.keys(attempt)
    return Math.max(this.pair.wait(pair, now), this.address.wait(address, now), this.isKnown(pair, now) ? 0 : this.account.wait(account, now))
  }

  /** Counts the attempt as failed from now; call `succeeded` when it turns out right. */
  begin(attempt: Attempt, now: number): void {
    const {account, address, pair} = this.keys(attempt)
    this.pair.fail(pair, now)
    this.address.fail(address, now)
    if (!this.isKnown(pair, now)) this.account.fail(account, now)
  }

  /** The attempt was wrong: its delay runs from now, when the answer goes out. */
  failed(attempt: Attempt, now: number): void {
    const {account, address, pair} = this.keys(attempt)
    this.pair.touch(pair, now)
    this.address.touch(address, now)
    this.account.touch(account, now)
  }

  succeeded(attempt: Attempt, now: number): void {
    const {account, address, pair} = this.keys(attempt)
    this.pair.clear(pair)
    this.address.undo(address)
    this.account.clear(account)
    this.known.set(pair, now + KNOWN_FOR_MS)
  }

  /** entries held, for tests of the bounds */
  get sizes(): {pair: number; address: number; account: number; known: number} {
    return {pair: this.pair.size, address: this.address.size, account: this.account.size, known: this.known.size}
  }
}
