import {mkdirSync, readdirSync, statSync} from 'node:fs'
import {readFile, rename, unlink, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {ApiError} from '../errors.js'

/**
 * Transformed images on disk, one file per variant named by its key (a hash of the source and
 * the parameters), bounded in bytes: the least recently used variants go first. The index is in
 * memory, rebuilt from the folder (oldest first by modification time) on first use.
 */
export class VariantCache {
  private index?: Map<string, number>
  private bytes = 0

  constructor(
    readonly dir: string,
    readonly maxBytes: number,
  ) {}

  private load(): Map<string, number> {
    if (this.index) return this.index
    // files at rest: 0700/0600 like everything in the data folder (server/files.ts)
    mkdirSync(this.dir, {recursive: true, mode: 0o700})
    const found = readdirSync(this.dir)
      .filter((name) => /^[a-f0-9]{64}$/.test(name))
      .map((name) => {
        const info = statSync(join(this.dir, name))
        return {name, size: info.size, time: info.mtimeMs}
      })
      .sort((a, b) => a.time - b.time)
    this.index = new Map(found.map((entry) => [entry.name, entry.size]))
    this.bytes = found.reduce((sum, entry) => sum + entry.size, 0)
    return this.index
  }

  async get(key: string): Promise<Buffer | undefined> {
    const index = this.load()
    const size = index.get(key)
    if (size === undefined) return undefined
    const data = await readFile(join(this.dir, key)).catch(() => undefined)
    if (!data) {
      index.delete(key)
      this.bytes -= size
      return undefined
    }
    index.delete(key)
    index.set(key, size)
    return data
  }

  async put(key: string, data: Buffer): Promise<void> {
    const index = this.load()
    if (data.byteLength > this.maxBytes || index.has(key)) return
    const tmp = join(this.dir, `${key}.tmp-${process.pid}`)
    await writeFile(tmp, data, {mode: 0o600})
    await rename(tmp, join(this.dir, key))
    index.set(key, data.byteLength)
    this.bytes += data.byteLength
    for (const [old, size] of index) {
      if (this.bytes <= this.maxBytes) break
      index.delete(old)
      this.bytes -= size
      await unlink(join(this.dir, old)).catch(() => {})
    }
  }

  get size(): {entries: number; bytes: number} {
    this.load()
    return {entries: this.index!.size, bytes: this.bytes}
  }
}

/**
 * At most `running` transforms at once (sharp runs on libuv's threads: unbounded, they would
 * take every thread the file system and crypto need), and at most `queued` waiting; past that a
 * 503 with Retry-After, so a burst cannot pile up work.
 */
export class TransformGate {
  private active = 0
  private readonly waiting: (() => void)[] = []

  constructor(
    readonly running: number,
    readonly queued: number,
  ) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.running) {
      if (this.waiting.length >= this.queued) {
        throw new ApiError(503, 'imageTransformBusy', 'Too many image transforms are waiting: try again shortly', {retryAfter: 1})
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve))
    } else this.active++
    try {
      return await task()
    } finally {
      const next = this.waiting.shift()
      if (next) next()
      else this.active--
    }
  }
}
