import {spawn} from 'node:child_process'
import {createHash} from 'node:crypto'
import {existsSync} from 'node:fs'
import {mkdir, open, readdir, readFile, rename, rm, stat, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {gzipSync} from 'node:zlib'

import {isMainModule, runMain, stringOption, type Command} from './lib/cli'
import {CliError, UsageError} from './lib/errors'

/**
 * `npm run studio:build`: builds the Studio into dist-studio/ with `sanity build`, only when its
 * sources changed since the last build. The server's start script calls `ensureStudioBuilt()`.
 */

export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url))
export const DEFAULT_OUT_DIR = 'dist-studio'
export const SOURCE_HASH_FILE = '.source-hash'

/** What the built Studio is made from, relative to the project root. */
export const STUDIO_SOURCES = ['sanity.config.ts', 'sanity.cli.ts', 'schemas', 'editorial', 'studio', 'package-lock.json'] as const

/** Settings read at build time: `SANITY_STUDIO_*` are baked into the Studio, the other picks Sanity's hosts. */
const BUILD_ENV = /^(SANITY_STUDIO_|SANITY_INTERNAL_ENV$)/

/** Notes in the source folders that do not change the Studio. */
const NOT_A_SOURCE = /\.md$/i

export interface SourceHashOptions {
  root?: string
  env?: NodeJS.ProcessEnv
}

async function filesUnder(root: string, relative: string): Promise<string[]> {
  const full = path.join(root, relative)
  let info
  try {
    info = await stat(full)
  } catch {
    return []
  }
  if (info.isFile()) return NOT_A_SOURCE.test(relative) ? [] : [relative]
  if (!info.isDirectory()) return []
  const entries = await readdir(full, {withFileTypes: true})
  const nested = await Promise.all(
    entries.filter((entry) => !entry.name.startsWith('.') || entry.name.startsWith('.env')).map((entry) => filesUnder(root, path.join(relative, entry.name))),
  )
  return nested.flat()
}

/**
 * A hash of everything the built Studio depends on: the files of `STUDIO_SOURCES` (names and
 * contents), the `.env*` files `sanity build` reads, and the `SANITY_STUDIO_*` settings it bakes in.
 */
export async function studioSourceHash(options: SourceHashOptions = {}): Promise<string> {
  const root = options.root ?? PROJECT_ROOT
  const env = options.env ?? process.env
  const rootEntries = await readdir(root).catch(() => [] as string[])
  const envFiles = rootEntries.filter((name) => /^\.env(\..+)?$/.test(name))
  const files = (await Promise.all([...STUDIO_SOURCES, ...envFiles].map((source) => filesUnder(root, source)))).flat()
  const sorted = [...new Set(files.map((file) => file.split(path.sep).join('/')))].sort()
  const hash = createHash('sha256')
  for (const file of sorted) {
    const contents = await readFile(path.join(root, file))
    hash.update(`file ${file} ${contents.length}\n`)
    hash.update(contents)
    hash.update('\n')
  }
  for (const name of Object.keys(env).filter((key) => BUILD_ENV.test(key)).sort()) {
    hash.update(`env ${name}=${env[name] ?? ''}\n`)
  }
  return hash.digest('hex')
}

/** The hash the build in `outDir` was made from, or undefined if there is no complete build. */
export async function builtSourceHash(outDir: string): Promise<string | undefined> {
  if (!existsSync(path.join(outDir, 'index.html'))) return undefined
  try {
    return (await readFile(path.join(outDir, SOURCE_HASH_FILE), 'utf8')).trim() || undefined
  } catch {
    return undefined
  }
}

export interface BuildSize {
  files: number
  bytes: number
  /** Bytes of the files that are sent compressed (scripts, styles, HTML, SVG, JSON), gzipped; others as they are. */
  gzipBytes: number
}

const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|webmanifest|txt|map)$/i

/** The size of a build: what a browser downloads. */
export async function measureBuild(outDir: string): Promise<BuildSize> {
  const size: BuildSize = {files: 0, bytes: 0, gzipBytes: 0}
  async function walk(dir: string): Promise<void> {
    for (const entry of await readdir(dir, {withFileTypes: true})) {
      const full = path.join(dir, entry.name)
      if (entry.isDirectory()) {
        await walk(full)
      } else if (entry.isFile() && entry.name !== SOURCE_HASH_FILE) {
        const contents = await readFile(full)
        size.files += 1
        size.bytes += contents.length
        size.gzipBytes += COMPRESSIBLE.test(entry.name) ? gzipSync(contents, {level: 9}).length : contents.length
      }
    }
  }
  await walk(outDir)
  return size
}

export function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MiB` : `${Math.round(bytes / 1024)} KiB`
}

/** Runs `sanity build` into `outDir`, offline and without prompts; resolves when it succeeded. */
export type StudioBuilder = (args: {root: string; outDir: string; env: NodeJS.ProcessEnv; log: (line: string) => void}) => Promise<void>

export const sanityBuild: StudioBuilder = ({root, outDir, env, log}) =>
  new Promise((resolve, reject) => {
    const cli = path.join(root, 'node_modules', '.bin', 'sanity')
    const child = spawn(process.execPath, [cli, 'build', outDir, '--yes'], {
      cwd: root,
      env: {...env, DO_NOT_TRACK: '1', NO_UPDATE_NOTIFIER: '1', NO_COLOR: '1', FORCE_COLOR: '0'},
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const tail: string[] = []
    const onData = (chunk: Buffer) => {
      for (const raw of chunk.toString('utf8').split(/\r?\n/)) {
        // Drop colour codes and the spinner's repaints; keep what reads as progress.
        const line = raw.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '').trim()
        if (!line) continue
        tail.push(line)
        if (tail.length > 40) tail.shift()
        log(line)
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      if (code === 0) resolve()
      else reject(new CliError(`sanity build failed (${signal ?? `exit code ${code}`}):\n${tail.join('\n')}`))
    })
  })

/**
 * Where a build is staged and locked: `.sanity/` beside the build folder (git-ignored, and on the
 * same file system, so the finished build is renamed into place).
 */
export function buildWorkPaths(outDir: string, pid: number = process.pid) {
  const workDir = path.join(path.dirname(outDir), '.sanity')
  const name = path.basename(outDir)
  return {
    workDir,
    lock: path.join(workDir, `${name}.lock`),
    staging: path.join(workDir, `${name}.building-${pid}`),
    old: path.join(workDir, `${name}.old-${pid}`),
  }
}

/** Removes what builds of dead processes left (a build killed half-way). Call holding the lock. */
async function removeStaleBuilds(outDir: string): Promise<void> {
  const {workDir} = buildWorkPaths(outDir)
  const name = path.basename(outDir)
  const leftovers = [
    ...(await readdir(workDir).catch(() => [] as string[])).map((entry) => path.join(workDir, entry)),
    // Earlier versions staged beside the build folder.
    ...(await readdir(path.dirname(outDir)).catch(() => [] as string[])).map((entry) => path.join(path.dirname(outDir), entry)),
  ]
  const pattern = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(?:building|old)-(\\d+)$`)
  for (const leftover of leftovers) {
    const pid = Number(pattern.exec(path.basename(leftover))?.[1])
    if (Number.isInteger(pid) && pid > 0 && (pid === process.pid || !isAlive(pid))) await rm(leftover, {recursive: true, force: true})
  }
}

/** A lock beside the build folder, so two processes never build into it at once. */
async function withBuildLock<T>(outDir: string, log: (line: string) => void, task: () => Promise<T>): Promise<T> {
  const {workDir, lock: lockPath} = buildWorkPaths(outDir)
  await mkdir(workDir, {recursive: true})
  let waited = false
  for (;;) {
    try {
      const handle = await open(lockPath, 'wx')
      await handle.writeFile(String(process.pid))
      await handle.close()
      break
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const holder = Number.parseInt(await readFile(lockPath, 'utf8').catch(() => ''), 10)
      if (!Number.isInteger(holder) || !isAlive(holder)) {
        await rm(lockPath, {force: true})
        continue
      }
      if (!waited) log(`Waiting for another Studio build (process ${holder})...`)
      waited = true
      await new Promise((resolve) => setTimeout(resolve, 500))
    }
  }
  try {
    return await task()
  } finally {
    await rm(lockPath, {force: true})
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export interface EnsureStudioBuiltOptions {
  /** Build even when the sources have not changed. */
  force?: boolean
  root?: string
  /** Where the built Studio goes (default dist-studio/ in the project root). */
  outDir?: string
  env?: NodeJS.ProcessEnv
  /** Progress lines (default: stderr). */
  log?: (line: string) => void
  /** What builds (default `sanity build`); tests pass a stand-in. */
  build?: StudioBuilder
}

export interface EnsureStudioBuiltResult {
  outDir: string
  hash: string
  /** False when the existing build was up to date. */
  built: boolean
  /** How long the build took, when there was one. */
  ms?: number
}

/**
 * Builds the Studio when its sources changed since the last build (or when `force`), and
 * returns where it is. The new build is made beside the old one and swapped in when complete:
 * a failed build leaves the previous one in place, and a server never serves half a build.
 */
export async function ensureStudioBuilt(options: EnsureStudioBuiltOptions = {}): Promise<EnsureStudioBuiltResult> {
  const root = options.root ?? PROJECT_ROOT
  const outDir = path.resolve(root, options.outDir ?? DEFAULT_OUT_DIR)
  const env = options.env ?? process.env
  const log = options.log ?? ((line: string) => void process.stderr.write(`studio: ${line}\n`))
  const build = options.build ?? sanityBuild

  const upToDate = async (hash: string) => !options.force && (await builtSourceHash(outDir)) === hash
  const hash = await studioSourceHash({root, env})
  if (await upToDate(hash)) return {outDir, hash, built: false}

  return withBuildLock(outDir, log, async () => {
    // Another process may have built the same sources while this one waited for the lock.
    const current = await studioSourceHash({root, env})
    if (!options.force && (await builtSourceHash(outDir)) === current) return {outDir, hash: current, built: false}

    const previous = await builtSourceHash(outDir)
    log(
      options.force && previous === current
        ? 'Building the Studio (forced)...'
        : previous
          ? 'Studio sources changed since the last build: building the Studio...'
          : 'Building the Studio (first run: a few minutes)...',
    )
    const started = performance.now()
    await removeStaleBuilds(outDir)
    const {staging, old} = buildWorkPaths(outDir)
    try {
      await build({root, outDir: staging, env, log})
      if (!existsSync(path.join(staging, 'index.html'))) throw new CliError(`sanity build wrote no index.html into ${staging}`)
      await writeFile(path.join(staging, SOURCE_HASH_FILE), `${current}\n`)
      if (existsSync(outDir)) await rename(outDir, old)
      await rename(staging, outDir)
      await rm(old, {recursive: true, force: true})
    } finally {
      await rm(staging, {recursive: true, force: true})
    }
    const ms = Math.round(performance.now() - started)
    log(`Built the Studio into ${path.relative(root, outDir) || outDir} in ${(ms / 1000).toFixed(1)} s`)
    return {outDir, hash: current, built: true, ms}
  })
}

export const studioBuildCommand: Command = {
  name: 'studio:build',
  usage: `Usage: npm run studio:build [-- --force] [--out DIR]

Builds the Studio with "sanity build" (no prompts, no telemetry) into dist-studio/, only when
its sources changed since the last build: sanity.config.ts, sanity.cli.ts, schemas/, editorial/, studio/,
package-lock.json, .env files and SANITY_STUDIO_* settings (their hash is kept in
dist-studio/${SOURCE_HASH_FILE}). npm start does the same before it serves the Studio.

Options:
  --force      build even if nothing changed
  --out DIR    output folder (default: dist-studio)
  -h, --help   show this help

Environment (baked into the build):
  SANITY_STUDIO_PROJECT_ID, SANITY_STUDIO_DATASET   add the "hosted" workspace for a Sanity project

Prints the build's size (files, bytes, gzipped bytes) on stdout.
Exit codes: 0 ok, 1 build failed, 2 usage error.
`,
  options: {
    force: {type: 'boolean'},
    out: {type: 'string'},
  },
  async run(values, io, positionals) {
    if (positionals.length > 0) throw new UsageError('studio:build takes no arguments')
    const result = await ensureStudioBuilt({
      force: values.force === true,
      outDir: stringOption(values, 'out') ?? DEFAULT_OUT_DIR,
      env: io.env,
      log: (line) => io.stderr(`studio: ${line}\n`),
    })
    if (!result.built) io.stderr(`studio: ${path.relative(PROJECT_ROOT, result.outDir)} is up to date (sources unchanged; --force to rebuild)\n`)
    const size = await measureBuild(result.outDir)
    io.stdout(
      `${path.relative(PROJECT_ROOT, result.outDir)}: ${size.files} files, ${size.bytes} bytes (${formatBytes(size.bytes)}), ${size.gzipBytes} bytes gzipped (${formatBytes(size.gzipBytes)})` +
        (result.ms === undefined ? '' : `, built in ${(result.ms / 1000).toFixed(1)} s`) +
        '\n',
    )
    return 0
  },
}

if (isMainModule(import.meta.url)) runMain(studioBuildCommand)
