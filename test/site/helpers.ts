import {createReadStream} from 'node:fs'
import {stat} from 'node:fs/promises'
import {createServer, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import {extname, join, normalize, sep} from 'node:path'
import {createRequire} from 'node:module'

import type {Page} from 'playwright-core'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.webp': 'image/webp',
}

export interface StaticServer {
  url: string
  close(): Promise<void>
}

/**
 * A plain static file server, as a host would run one: `/path` answers `/path/index.html` (like
 * nginx's `try_files $uri $uri/index.html`), anything else missing is 404 with `404.html`.
 */
export async function serveStatic(root: string): Promise<StaticServer> {
  const server: Server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
    const file = normalize(join(root, path))
    if (!file.startsWith(root + sep) && file !== root) {
      res.writeHead(400).end()
      return
    }
    for (const candidate of [file, join(file, 'index.html')]) {
      const info = await stat(candidate).catch(() => undefined)
      if (info?.isFile()) {
        res.writeHead(200, {'content-type': TYPES[extname(candidate)] ?? 'application/octet-stream', 'content-length': info.size})
        createReadStream(candidate).pipe(res)
        return
      }
    }
    res.writeHead(404, {'content-type': 'text/html; charset=utf-8'})
    createReadStream(join(root, '404.html')).on('error', () => res.end()).pipe(res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

const require = createRequire(import.meta.url)
const AXE_SOURCE = (require('axe-core') as {source: string}).source

/** The WCAG 2.2 A and AA rules of axe-core (and the 2.0 and 2.1 ones they include). */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa']

export interface AxeViolation {
  id: string
  help: string
  nodes: {target: string[]; failureSummary?: string}[]
}

/** Runs axe-core's WCAG 2.2 A and AA rules on the page as it is; returns the violations. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({content: AXE_SOURCE})
  return page.evaluate(async (tags) => {
    const axe = (window as unknown as {axe: {run: (context: Document, options: unknown) => Promise<{violations: AxeViolation[]}>}}).axe
    const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})
    return result.violations.map((v) => ({id: v.id, help: v.help, nodes: v.nodes.map((n) => ({target: n.target, failureSummary: n.failureSummary}))}))
  }, WCAG_TAGS)
}

/** The levels of the page's headings in order: [1, 2, 2, 3, …]. */
export function headingLevels(page: Page): Promise<number[]> {
  return page.$$eval('h1, h2, h3, h4, h5, h6', (headings) => headings.map((heading) => Number(heading.tagName.slice(1))))
}

/** Why a heading sequence is out of order, or undefined: one h1 first, and no level skipped going down. */
export function headingProblem(levels: number[]): string | undefined {
  if (levels[0] !== 1) return `the first heading is h${levels[0]}, not h1`
  if (levels.filter((level) => level === 1).length !== 1) return 'more than one h1'
  for (let index = 1; index < levels.length; index++) {
    if (levels[index]! > levels[index - 1]! + 1) return `h${levels[index - 1]} is followed by h${levels[index]}`
  }
  return undefined
}
