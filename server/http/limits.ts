import {ApiError} from '../errors.js'

/**
 * Per-client limits. Hosted Sanity allows 500 API requests and 25 mutations a second from one
 * address and answers 429 with `Retry-After` past that; this server does the same, configurable.
 * Every map here is bounded: idle keys are dropped, and past `maxKeys` the oldest go first, so
 * a flood of addresses cannot grow memory.
 */

export function tooManyRequests(description: string, retryAfterSeconds: number): ApiError {
  return new ApiError(429, 'httpTooManyRequests', description, {retryAfter: retryAfterSeconds})
}

interface Bucket {
  tokens: number
  at: number
}

/** A token bucket per key: `perSecond` refill, bursts up to one second's worth. */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>()

  constructor(
    readonly perSecond: number,
    private readonly what: string,
    private readonly maxKeys = 50_000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Takes one token for `key`; throws 429 with the seconds to wait when there is none. */
  take(key: string): void {
    if (!(this.perSecond > 0)) return
    const now = this.now()
    let bucket = this.buckets.get(key)
    if (bucket) {
      bucket.tokens = Math.min(this.perSecond, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond)
      bucket.at = now
      // most recently used keys last, so eviction takes the idlest
      this.buckets.delete(key)
    } else {
      bucket = {tokens: this.perSecond, at: now}
      if (this.buckets.size >= this.maxKeys) this.evict(now)
    }
    this.buckets.set(key, bucket)
    if (bucket.tokens < 1) {
      const wait = Math.max(1, Math.ceil((1 - bucket.tokens) / this.perSecond))
      throw tooManyRequests(`Too many ${this.what} from this address: at most ${this.perSecond} a second. Try again in ${wait} s.`, wait)
    }
    bucket.tokens -= 1
  }

  private evict(now: number): void {
    for (const [key, bucket] of this.buckets) {
      // a bucket idle for a second is full again: forgetting it changes nothing
      if (now - bucket.at > 1000 || this.buckets.size >= this.maxKeys) this.buckets.delete(key)
      else break
    }
  }

  get size(): number {
    return this.buckets.size
  }
}

/** Counts open things per caller (queries in flight, listeners, sockets) against a cap. */
export class PerCallerCap {
  private readonly counts = new Map<string, number>()

  constructor(
    readonly max: number,
    private readonly what: string,
    private readonly setting: string,
  ) {}

  /** Takes a place for `key` and returns the function that gives it back; 429 when full. */
  acquire(key: string): () => void {
    const count = this.counts.get(key) ?? 0
    if (count >= this.max) {
      throw tooManyRequests(`Too many ${this.what} open for this caller (at most ${this.max}; ${this.setting}). Close some, then try again.`, 1)
    }
    this.counts.set(key, count + 1)
    let released = false
    return () => {
      if (released) return
      released = true
      const left = (this.counts.get(key) ?? 1) - 1
      if (left <= 0) this.counts.delete(key)
      else this.counts.set(key, left)
    }
  }

  total(): number {
    let sum = 0
    for (const count of this.counts.values()) sum += count
    return sum
  }
}

/** A positive integer setting from the environment, or its default; a bad value stops start-up with its name. */
export function intSetting(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number (0 or more), got "${raw}"`)
  return value
}
