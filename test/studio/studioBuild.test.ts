import {existsSync} from 'node:fs'
import {mkdir, mkdtemp, readdir, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {afterEach, beforeEach, describe, expect, test} from 'vitest'

import {builtSourceHash, ensureStudioBuilt, measureBuild, SOURCE_HASH_FILE, studioSourceHash, type StudioBuilder} from '../../scripts/studio-build'

let root: string

async function put(file: string, contents: string) {
  await mkdir(path.dirname(path.join(root, file)), {recursive: true})
  await writeFile(path.join(root, file), contents)
}

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'ahp-studio-build-'))
  await put('sanity.config.ts', 'export default {}\n')
  await put('sanity.cli.ts', 'export default {}\n')
  await put('schemas/index.ts', 'export const schemaTypes = []\n')
  await put('studio/structure.ts', 'export const structure = 1\n')
  await put('package-lock.json', '{}\n')
  await put('README.md', '# readme\n')
  await put('server/handler.ts', 'export {}\n')
})

afterEach(async () => {
  await rm(root, {recursive: true, force: true})
})

describe('Studio source hash', () => {
  const hash = (env: NodeJS.ProcessEnv = {}) => studioSourceHash({root, env})

  test('is stable while nothing changes', async () => {
    expect(await hash()).toBe(await hash())
    expect(await hash()).toMatch(/^[0-9a-f]{64}$/)
  })

  const changes: {name: string; change: () => Promise<void>}[] = [
    {name: 'a schema file changes', change: () => put('schemas/index.ts', 'export const schemaTypes = [1]\n')},
    {name: 'a file is added under studio/', change: () => put('studio/badges/index.ts', 'export {}\n')},
    {name: 'a file is renamed', change: async () => {
      await rm(path.join(root, 'studio/structure.ts'))
      await put('studio/structure2.ts', 'export const structure = 1\n')
    }},
    {name: 'sanity.cli.ts changes', change: () => put('sanity.cli.ts', 'export default {vite: 1}\n')},
    {name: 'package-lock.json changes (an upgrade)', change: () => put('package-lock.json', '{"v": 2}\n')},
    {name: 'a .env file appears', change: () => put('.env', 'SANITY_STUDIO_PROJECT_ID=abc\n')},
  ]
  for (const example of changes) {
    test(`changes when ${example.name}`, async () => {
      const before = await hash()
      await example.change()
      expect(await hash()).not.toBe(before)
    })
  }

  test('changes with a SANITY_STUDIO_ setting, which the build bakes in', async () => {
    expect(await hash({SANITY_STUDIO_PROJECT_ID: 'abc123'})).not.toBe(await hash())
    expect(await hash({SANITY_STUDIO_DATASET: 'staging'})).not.toBe(await hash({SANITY_STUDIO_DATASET: 'production'}))
  })

  const nonChanges: {name: string; change: () => Promise<void>}[] = [
    {name: 'the server changes', change: () => put('server/handler.ts', 'export const x = 1\n')},
    {name: 'the README changes', change: () => put('README.md', '# changed\n')},
    {name: 'a note in studio/ changes', change: () => put('studio/AUTH.md', 'notes\n')},
  ]
  for (const example of nonChanges) {
    test(`does not change when ${example.name}`, async () => {
      const before = await hash()
      await example.change()
      expect(await hash()).toBe(before)
    })
  }

  test('does not change with other settings', async () => {
    expect(await hash({AHP_PORT: '4000', PATH: '/usr/bin'})).toBe(await hash())
  })
})

describe('ensureStudioBuilt', () => {
  const calls: string[] = []
  const fakeBuild: StudioBuilder = async ({outDir}) => {
    calls.push(outDir)
    await mkdir(path.join(outDir, 'static'), {recursive: true})
    await writeFile(path.join(outDir, 'index.html'), `<html>build ${calls.length}</html>`)
    await writeFile(path.join(outDir, 'static', 'app.js'), 'console.log("studio")\n'.repeat(50))
  }
  const ensure = (options: {force?: boolean; build?: StudioBuilder; env?: NodeJS.ProcessEnv} = {}) =>
    ensureStudioBuilt({root, env: options.env ?? {}, log: () => {}, build: options.build ?? fakeBuild, force: options.force})

  beforeEach(() => {
    calls.length = 0
  })

  test('builds on first run and records the hash; skips while sources are unchanged', async () => {
    const first = await ensure()
    expect(first.built).toBe(true)
    expect(first.outDir).toBe(path.join(root, 'dist-studio'))
    expect(await builtSourceHash(first.outDir)).toBe(await studioSourceHash({root, env: {}}))
    expect((await readFile(path.join(first.outDir, SOURCE_HASH_FILE), 'utf8')).trim()).toBe(first.hash)

    const second = await ensure()
    expect(second).toMatchObject({built: false, hash: first.hash})
    expect(calls).toHaveLength(1)
  })

  test('rebuilds when a source changes, or when forced', async () => {
    await ensure()
    await put('studio/structure.ts', 'export const structure = 2\n')
    expect((await ensure()).built).toBe(true)
    expect((await ensure({force: true})).built).toBe(true)
    expect(calls).toHaveLength(3)
    expect(await readFile(path.join(root, 'dist-studio', 'index.html'), 'utf8')).toBe('<html>build 3</html>')
  })

  test('rebuilds when a SANITY_STUDIO_ setting changes', async () => {
    await ensure()
    expect((await ensure({env: {SANITY_STUDIO_PROJECT_ID: 'abc123'}})).built).toBe(true)
  })

  test('a build folder without its hash (or without index.html) is rebuilt', async () => {
    await ensure()
    await rm(path.join(root, 'dist-studio', SOURCE_HASH_FILE))
    expect((await ensure()).built).toBe(true)
    await rm(path.join(root, 'dist-studio', 'index.html'))
    expect((await ensure()).built).toBe(true)
  })

  test('a failed build leaves the previous build in place and no leftovers', async () => {
    await ensure()
    await put('schemas/index.ts', 'broken\n')
    const failing: StudioBuilder = async ({outDir}) => {
      await mkdir(outDir, {recursive: true})
      await writeFile(path.join(outDir, 'index.html'), 'half')
      throw new Error('sanity build failed')
    }
    await expect(ensure({build: failing})).rejects.toThrow('sanity build failed')
    expect(await readFile(path.join(root, 'dist-studio', 'index.html'), 'utf8')).toBe('<html>build 1</html>')
    expect(existsSync(path.join(root, '.sanity', 'dist-studio.lock'))).toBe(false)
    expect((await readdir(path.join(root, '.sanity'))).filter((name) => /^dist-studio\.(building|old)-/.test(name))).toEqual([])
    expect((await readdir(root)).filter((name) => name.startsWith('dist-studio.'))).toEqual([])
    // The sources are still newer than the build: the next run tries again.
    expect((await ensure()).built).toBe(true)
  })

  test('what a build killed half-way left is removed by the next build', async () => {
    const deadPid = 4_194_303 + 12_345
    await put(`.sanity/dist-studio.building-${deadPid}/index.html`, 'half')
    await put(`dist-studio.building-${deadPid}/index.html`, 'half, from an earlier version')
    await put(`.sanity/dist-studio.building-${process.ppid}/index.html`, 'a live build of another process')
    await ensure()
    expect(existsSync(path.join(root, '.sanity', `dist-studio.building-${deadPid}`))).toBe(false)
    expect(existsSync(path.join(root, `dist-studio.building-${deadPid}`))).toBe(false)
    expect(existsSync(path.join(root, '.sanity', `dist-studio.building-${process.ppid}`))).toBe(true)
  })

  test('two runs at once build once', async () => {
    let release: () => void = () => {}
    const gate = new Promise<void>((resolve) => (release = resolve))
    const slowBuild: StudioBuilder = async (args) => {
      await gate
      await fakeBuild(args)
    }
    const first = ensure({build: slowBuild})
    const second = ensure({build: slowBuild})
    setTimeout(release, 100)
    const results = await Promise.all([first, second])
    expect(results.map((r) => r.built).sort()).toEqual([false, true])
    expect(calls).toHaveLength(1)
  })

  test('measures what a browser downloads', async () => {
    const {outDir} = await ensure()
    const size = await measureBuild(outDir)
    expect(size.files).toBe(2)
    expect(size.bytes).toBe('<html>build 1</html>'.length + 'console.log("studio")\n'.length * 50)
    expect(size.gzipBytes).toBeLessThan(size.bytes)
  })
})
