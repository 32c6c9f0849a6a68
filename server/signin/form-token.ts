import {createHmac, randomBytes, timingSafeEqual} from 'node:crypto'
import {BoundedMap} from './throttle.js'

/**
 * The sign-in form's CSRF token: `<issued>.<nonce>.<mac>`, an HMAC (a key made at start) over the
 * time it was issued, a nonce, the browser's sign-in cookie and the page the form returns to. It
 * is good for `FORM_TOKEN_TTL_MS`, once, and only from the browser holding that cookie and for
 * that page. The handler also refuses a POST whose Origin (or Referer) is not the server's own.
 */

export const FORM_TOKEN_TTL_MS = 30 * 60_000
export const FORM_COOKIE = 'ahp_signin'

export class FormTokens {
  private readonly key = randomBytes(32)
  /** nonces already used, until they would have expired anyway */
  private readonly used = new BoundedMap<string, number>(50_000)

  private mac(issued: string, nonce: string, browser: string, binding: string): Buffer {
    return createHmac('sha256', this.key).update(`${issued}\n${nonce}\n${browser}\n${binding}`).digest()
  }

  /** a new value for the browser's sign-in cookie */
  newBrowserId(): string {
    return randomBytes(24).toString('base64url')
  }

  issue(browser: string, binding: string, now: number): string {
    const issued = now.toString(36)
    const nonce = randomBytes(12).toString('base64url')
    return `${issued}.${nonce}.${this.mac(issued, nonce, browser, binding).toString('base64url')}`
  }

  /** true once for a token issued to this browser for this page within its lifetime */
  consume(token: string, browser: string | undefined, binding: string, now: number): boolean {
    const [issued, nonce, mac, extra] = token.split('.')
    if (!issued || !nonce || !mac || extra !== undefined || !browser) return false
    const issuedAt = parseInt(issued, 36)
    if (!Number.isFinite(issuedAt) || issuedAt > now + 60_000 || now - issuedAt > FORM_TOKEN_TTL_MS) return false
    const given = Buffer.from(mac, 'base64url')
    const expected = this.mac(issued, nonce, browser, binding)
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false
    for (const [key, expires] of this.used.entries()) {
      if (expires >= now) break
      this.used.delete(key)
    }
    if (this.used.get(nonce) !== undefined) return false
    this.used.set(nonce, issuedAt + FORM_TOKEN_TTL_MS)
    return true
  }
}

/** The value of cookie `name` in a Cookie header. */
export function cookieValue(request: Request, name: string): string | undefined {
  for (const part of (request.headers.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || undefined
  }
  return undefined
}

export interface CookieOptions {
  path: string
  maxAgeSeconds: number
  secure: boolean
  sameSite: 'Strict' | 'Lax'
}

export function setCookie(name: string, value: string, options: CookieOptions): string {
  return `${name}=${value}; Path=${options.path}; Max-Age=${options.maxAgeSeconds}; HttpOnly; SameSite=${options.sameSite}${options.secure ? '; Secure' : ''}`
}
