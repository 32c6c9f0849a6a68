import http from 'node:http'
import https from 'node:https'

/**
 * A browser's HTTP without the browser: cookies per host (ports share them, as in browsers),
 * redirects followed one at a time when asked, the local CA trusted for https. For sign-in tests
 * that walk through an OpenID provider's pages.
 */

export interface Answer {
  url: string
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
  location?: string | undefined
}

export class HttpBrowser {
  private readonly cookies = new Map<string, Map<string, string>>()
  constructor(private readonly ca: string | Buffer) {}

  cookieHeader(url: string): string {
    const jar = this.cookies.get(new URL(url).hostname)
    return jar ? [...jar].map(([k, v]) => `${k}=${v}`).join('; ') : ''
  }

  forget(host: string, name: string): void {
    this.cookies.get(host)?.delete(name)
  }

  request(url: string, init: {method?: string; body?: string; headers?: Record<string, string>} = {}): Promise<Answer> {
    const target = new URL(url)
    const headers: Record<string, string> = {...init.headers}
    const cookie = this.cookieHeader(url)
    if (cookie) headers.cookie = cookie
    const lib = target.protocol === 'https:' ? https : http
    return new Promise((resolve, reject) => {
      const req = lib.request(url, {method: init.method ?? 'GET', headers, ...(target.protocol === 'https:' ? {ca: this.ca} : {})}, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => {
          const set = res.headers['set-cookie'] ?? []
          for (const line of set) {
            const [pair = ''] = line.split(';')
            const eq = pair.indexOf('=')
            const jar = this.cookies.get(target.hostname) ?? new Map<string, string>()
            this.cookies.set(target.hostname, jar)
            const value = pair.slice(eq + 1)
            if (/max-age=0|expires=thu, 01 jan 1970/i.test(line) || value === '') jar.delete(pair.slice(0, eq).trim())
            else jar.set(pair.slice(0, eq).trim(), value)
          }
          const location = typeof res.headers.location === 'string' ? new URL(res.headers.location, url).href : undefined
          resolve({url, status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), location})
        })
        res.on('error', reject)
      })
      req.on('error', reject)
      req.end(init.body)
    })
  }

  /** Follows redirects until `stop(url)` says so or an answer is not a redirect. */
  async follow(url: string, stop: (url: string) => boolean = () => false, limit = 20): Promise<Answer> {
    let answer = await this.request(url)
    for (let i = 0; i < limit && answer.location && !stop(answer.location); i++) answer = await this.request(answer.location)
    return answer
  }
}
