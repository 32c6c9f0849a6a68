import {mkdtempSync, readdirSync, readFileSync, rmSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, relative} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCli} from '../helpers/runCli'

/** site:build from an export of the seed: byte-identical twice, small pages, clear errors. */
const ROOT = join(import.meta.dirname, '..', '..')

function files(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>()
  for (const name of readdirSync(dir, {recursive: true, encoding: 'utf8'})) {
    const path = join(dir, name)
    if (statSync(path).isFile()) out.set(relative(dir, path), readFileSync(path))
  }
  return out
}

describe('site:build', () => {
  let work: string
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'ahp-site-build-'))
    const exported = await runCli('scripts/content-export.ts', ['--out', join(work, 'export')])
    expect(exported.code, exported.stderr).toBe(0)
    const first = await runCli('scripts/site-build.ts', ['--from', join(work, 'export'), '--out', join(work, 'one')])
    expect(first.code, first.stderr).toBe(0)
    expect(first.stdout).toMatch(/^Built \d+ pages into /)
  })
  afterAll(() => rmSync(work, {recursive: true, force: true}))

  it('writes the same bytes from the same export, every page under 100 KB of HTML and CSS', async () => {
    const second = await runCli('scripts/site-build.ts', ['--from', join(work, 'export'), '--out', join(work, 'two')])
    expect(second.code, second.stderr).toBe(0)
    const one = files(join(work, 'one'))
    const two = files(join(work, 'two'))
    expect([...one.keys()].sort()).toEqual([...two.keys()].sort())
    for (const [name, bytes] of one) expect(bytes.equals(two.get(name)!), name).toBe(true)

    const css = one.get('assets/site.css')!.length
    const pages = [...one].filter(([name]) => name.endsWith('.html'))
    expect(pages.length).toBeGreaterThan(50)
    for (const [name, html] of pages) {
      expect(html.length + css, name).toBeLessThan(100 * 1024)
      // No script but the design system's one-line class switch, and nothing from the API.
      const text = html.toString('utf8')
      expect(text.match(/<script/g)?.length ?? 0, name).toBe(1)
      expect(text, name).not.toContain('localhost:3333')
    }
    // Rebuilding into an earlier build replaces it.
    expect((await runCli('scripts/site-build.ts', ['--from', join(work, 'export'), '--out', join(work, 'one')])).code).toBe(0)
  })

  it('lists a profession page with its regulator, protected titles and examples, and a framework with its dates, status and quick guides', () => {
    const site = join(work, 'one')
    const profession = readFileSync(join(site, 'professions', 'physiotherapists', 'index.html'), 'utf8')
    expect(profession).toContain('<a href="/organisations/health-and-care-professions-council">')
    expect(profession).toContain('Protected titles')
    const framework = readFileSync(join(site, 'frameworks', 'ahps-into-action', 'index.html'), 'utf8')
    expect(framework).toContain('1 January 2017')
    expect(framework).toContain('31 December 2021')
    expect(framework).toMatch(/nhsuk-tag--grey">\s*Expired/)
    expect(framework).toContain('<a href="/frameworks/ahps-into-action-next-chapter">AHPs into Action: Next Chapter</a>')
    expect(framework).toContain('<a href="/quick-guides/ahps-into-action-on-cancer">')
    // The hub's mentions of professions go to their pages.
    const hub = readFileSync(join(site, 'hubs', 'allied-health-professionals', 'index.html'), 'utf8')
    for (const slug of ['art-therapists', 'podiatrists', 'physiotherapists']) expect(hub).toContain(`<a href="/professions/${slug}">`)
    const cpd = readFileSync(join(site, 'cpd', 'index.html'), 'utf8')
    const order = ['Work-based learning', 'Professional activity', 'Formal education', 'Self-directed learning'].map((title) => cpd.indexOf(title))
    expect(order.every((position, index) => position > 0 && (index === 0 || position > order[index - 1]!))).toBe(true)
  })

  it('answers --help, and a bad call in one line', async () => {
    const help = await runCli('scripts/site-build.ts', ['--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('Usage: npm run site:build')
    const noOut = await runCli('scripts/site-build.ts', [])
    expect(noOut.code).toBe(2)
    expect(noOut.stderr.split('\n')[0]).toBe('site:build: --out DIR is required: the folder to write the site to')
    const noExport = await runCli('scripts/site-build.ts', ['--from', join(work, 'nothing-here'), '--out', join(work, 'three')])
    expect(noExport.code).toBe(1)
    expect(noExport.stderr.trim().split('\n')).toHaveLength(1)
    expect(noExport.stderr).toContain('is not an export')
    const liveHelp = await runCli('scripts/site.ts', ['--help'])
    expect(liveHelp.code).toBe(0)
    expect(liveHelp.stdout).toContain('SANITY_API_READ_TOKEN')
  })
})
