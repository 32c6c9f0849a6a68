import {randomBytes} from 'node:crypto'
import {mkdir, rename, rm, stat, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {CliError, UsageError} from '../errors'

/**
 * Writes the report's files into `dir` so that a crash never leaves half a file: each is written
 * in full to a temporary file beside it, flushed, and only then renamed over the old one (a rename
 * within a folder is atomic). All temporary files are written before the first rename, so the
 * window in which the folder mixes old and new files is as short as it can be.
 */
export async function writeFilesAtomically(dir: string, files: Readonly<Record<string, string>>): Promise<string[]> {
  await checkOutDir(dir)
  try {
    await mkdir(dir, {recursive: true})
  } catch (error) {
    throw new CliError(`cannot create ${dir}: ${(error as Error).message}`)
  }
  const suffix = `.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  const pending = Object.entries(files).map(([name, content]) => ({target: join(dir, name), temp: join(dir, `.${name}${suffix}`), content}))
  try {
    for (const file of pending) await writeFile(file.temp, file.content, {encoding: 'utf8', flush: true})
    for (const file of pending) await rename(file.temp, file.target)
  } catch (error) {
    await Promise.all(pending.map((file) => rm(file.temp, {force: true}).catch(() => {})))
    throw new CliError(`cannot write the report to ${dir}: ${(error as Error).message}`)
  }
  return pending.map((file) => file.target)
}

/** `--out` may be missing (it is created) or a folder; a file there is a usage error. Checked before any work. */
export async function checkOutDir(dir: string): Promise<void> {
  try {
    const info = await stat(dir)
    if (!info.isDirectory()) throw new UsageError(`--out ${dir} is a file: give a folder for the report`)
  } catch (error) {
    if (error instanceof CliError) throw error
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new CliError(`cannot use ${dir}: ${(error as Error).message}`)
  }
}
