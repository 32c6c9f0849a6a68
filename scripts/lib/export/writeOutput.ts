import {createWriteStream} from 'node:fs'
import {mkdir, mkdtemp, readFile, readdir, rename, rm, stat, writeFile} from 'node:fs/promises'
import {basename, dirname, join, resolve} from 'node:path'

import {CliError, UsageError} from '../errors'

export const WRITE_CONCURRENCY = 64

/** Run `task` for each item with at most `limit` in flight. */
export async function forEachLimited<T>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const index = next++
      await task(items[index]!, index)
    }
  }
  await Promise.all(Array.from({length: Math.min(limit, items.length)}, worker))
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch {
    return false
  }
}

/**
 * An output folder may be replaced only if it is absent, empty, or an earlier export (it has a
 * manifest.json with a schemaVersion). Anything else is a usage error, so `--out .` cannot wipe
 * a project.
 */
export async function checkReplaceable(out: string): Promise<void> {
  const target = resolve(out)
  let info
  try {
    info = await stat(target)
  } catch {
    return
  }
  if (!info.isDirectory()) throw new UsageError(`--out ${out} is a file: give a folder for the export`)
  const entries = await readdir(target)
  if (entries.length === 0) return
  try {
    const manifest = JSON.parse(await readFile(join(target, 'manifest.json'), 'utf8')) as {schemaVersion?: unknown}
    if (typeof manifest.schemaVersion === 'string') return
  } catch {
    // not an export: refused below
  }
  throw new UsageError(`--out ${out} is a folder that holds something other than an earlier export: choose an empty or new folder`)
}

/**
 * Writes files under one folder with at most `limit` writes in flight: `write` waits while the
 * limit is reached, so producing content and writing it overlap without unbounded memory.
 */
export class FileWriter {
  private readonly inFlight = new Set<Promise<void>>()
  private readonly folders = new Map<string, Promise<unknown>>()
  private failure: Error | undefined
  written = 0

  constructor(
    readonly root: string,
    private readonly limit = WRITE_CONCURRENCY,
    private readonly onWritten?: (written: number) => void,
  ) {}

  async write(path: string, content: string | Buffer): Promise<void> {
    if (this.failure) throw this.failure
    while (this.inFlight.size >= this.limit) await Promise.race(this.inFlight)
    const full = join(this.root, path)
    const folder = dirname(full)
    let made = this.folders.get(folder)
    if (!made) {
      made = mkdir(folder, {recursive: true})
      this.folders.set(folder, made)
    }
    const task: Promise<void> = made
      .then(() => writeFile(full, content))
      .then(
        () => {
          this.written++
          this.onWritten?.(this.written)
        },
        (error: Error) => {
          this.failure ??= error
        },
      )
      .finally(() => this.inFlight.delete(task))
    this.inFlight.add(task)
  }

  /** A file written line by line, with backpressure: for output too large to hold as one string. */
  async stream(path: string): Promise<{write: (chunk: Buffer) => Promise<void>; close: () => Promise<void>}> {
    const full = join(this.root, path)
    await mkdir(dirname(full), {recursive: true})
    const stream = createWriteStream(full)
    let failure: Error | undefined
    stream.on('error', (error) => {
      failure ??= error
      this.failure ??= error
    })
    return {
      write: async (chunk) => {
        if (failure) throw failure
        if (stream.write(chunk)) return
        await new Promise<void>((resolve) => {
          const done = () => {
            stream.off('drain', done).off('error', done)
            resolve()
          }
          stream.on('drain', done).on('error', done)
        })
        if (failure) throw failure
      },
      close: () =>
        new Promise<void>((resolve, reject) => {
          if (failure) return reject(failure)
          stream.end(() => (failure ? reject(failure) : (this.written++, resolve())))
        }),
    }
  }

  /** Wait for every write; throws the first failure. */
  async flush(): Promise<void> {
    await Promise.all(this.inFlight)
    if (this.failure) throw this.failure
  }
}

/**
 * Let `fill` write into a temporary folder next to `out`, then swap it into place with renames, so
 * a failure (a thrown error from `fill` or from a write) leaves `out` as it was, absent or the
 * previous export, and nothing half-written.
 */
export async function writeAtomically(out: string, fill: (writer: FileWriter) => Promise<void>, onWritten?: (written: number) => void): Promise<void> {
  const target = resolve(out)
  const parent = dirname(target)
  await checkReplaceable(target)
  await mkdir(parent, {recursive: true})
  const temp = await mkdtemp(join(parent, `.${basename(target)}.tmp-`))
  try {
    const writer = new FileWriter(temp, WRITE_CONCURRENCY, onWritten)
    try {
      await fill(writer)
    } finally {
      // Even when `fill` fails, let writes in flight settle before the folder is removed.
      await writer.flush().catch(() => {})
    }
    await writer.flush()
    const previous = `${temp}.previous`
    const hadPrevious = await exists(target)
    if (hadPrevious) await rename(target, previous)
    try {
      await rename(temp, target)
    } catch (error) {
      if (hadPrevious) await rename(previous, target)
      throw error
    }
    if (hadPrevious) await rm(previous, {recursive: true, force: true})
  } catch (error) {
    await rm(temp, {recursive: true, force: true})
    if (error instanceof CliError || !isFileSystemError(error)) throw error
    throw new CliError(`cannot write ${out}: ${error.message}`)
  }
}

function isFileSystemError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string'
}
