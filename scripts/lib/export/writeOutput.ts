import {mkdir, mkdtemp, readFile, readdir, rename, rm, stat, writeFile} from 'node:fs/promises'
import {basename, dirname, join, resolve} from 'node:path'

import {CliError, UsageError} from '../errors'

/** A file to write, relative to the output folder; `content` is produced when it is written. */
export interface OutputFile {
  path: string
  content: () => string
}

export const WRITE_CONCURRENCY = 32

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
 * Write `files` into a temporary folder next to `out`, then swap it into place with renames, so a
 * failure leaves `out` as it was (absent, or the previous export) and nothing half-written.
 */
export async function writeAtomically(out: string, files: readonly OutputFile[], onProgress?: (written: number) => void): Promise<void> {
  const target = resolve(out)
  const parent = dirname(target)
  await checkReplaceable(target)
  await mkdir(parent, {recursive: true})
  const temp = await mkdtemp(join(parent, `.${basename(target)}.tmp-`))
  try {
    const folders = [...new Set(files.map((file) => dirname(join(temp, file.path))))].sort()
    for (const folder of folders) await mkdir(folder, {recursive: true})
    let written = 0
    await forEachLimited(files, WRITE_CONCURRENCY, async (file) => {
      await writeFile(join(temp, file.path), file.content())
      written++
      if (onProgress && written % 1000 === 0) onProgress(written)
    })
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
    if (error instanceof CliError) throw error
    throw new CliError(`cannot write ${out}: ${(error as Error).message}`)
  }
}
