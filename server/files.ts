import {chmodSync, closeSync, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, renameSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

/**
 * Files at rest: the data folder and every folder in it are 0700, every file 0600 (SQLite
 * databases with their -wal and -shm, tokens, the admin token, accounts, TLS keys, assets).
 * Everything the server writes is created with these modes; `securePrivateTree` puts right the
 * modes of a folder made by an older version or by hand.
 */

export const PRIVATE_DIR_MODE = 0o700
export const PRIVATE_FILE_MODE = 0o600

/** Makes a folder (and its parents) readable by the owner only. */
export function privateDir(path: string): string {
  mkdirSync(path, {recursive: true, mode: PRIVATE_DIR_MODE})
  chmodSync(path, PRIVATE_DIR_MODE)
  return path
}

/** Writes a file whole, 0600, through a temporary file and a rename (never half written). */
export function writePrivateFile(path: string, content: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}`
  writeFileSync(tmp, content, {mode: PRIVATE_FILE_MODE})
  chmodSync(tmp, PRIVATE_FILE_MODE)
  const fd = openSync(tmp, 'r')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  renameSync(tmp, path)
}

/**
 * Creates an empty 0600 file if none is there, so SQLite opens a file of that mode (it gives its
 * -wal and -shm files the mode of the database file).
 */
export function touchPrivateFile(path: string): void {
  closeSync(openSync(path, 'a', PRIVATE_FILE_MODE))
  chmodSync(path, PRIVATE_FILE_MODE)
}

/** Sets 0700 on every folder and 0600 on every file under `root` (symbolic links are left alone); returns how many modes changed. */
export function securePrivateTree(root: string): number {
  let changed = 0
  const visit = (path: string) => {
    const stat = lstatSync(path, {throwIfNoEntry: false})
    if (!stat || stat.isSymbolicLink()) return
    const wanted = stat.isDirectory() ? PRIVATE_DIR_MODE : PRIVATE_FILE_MODE
    if ((stat.mode & 0o777) !== wanted) {
      chmodSync(path, wanted)
      changed++
    }
    if (stat.isDirectory()) for (const entry of readdirSync(path)) visit(join(path, entry))
  }
  visit(root)
  return changed
}
