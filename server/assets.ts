import {createHash} from 'node:crypto'
import {existsSync, readFileSync, renameSync, writeFileSync} from 'node:fs'
import {readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {badRequest} from './errors.js'
import {newTransactionId} from './ids.js'
import {TransactionBuilder} from './mutations.js'
import type {Store} from './store.js'
import {withWriteLock} from './writeLock.js'

/** Assets are stored on disk by content hash (SHA-1, as Sanity names them) under the dataset's `assets/`. */

export interface ImageInfo {
  width: number
  height: number
  extension: string
  mimeType: string
}

/** Reads the dimensions of PNG, JPEG, GIF and WebP images from their headers. */
export function imageInfo(data: Uint8Array): ImageInfo | undefined {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  if (buf.length >= 24 && buf.readUInt32BE(0) === 0x89504e47) {
    return {width: buf.readUInt32BE(16), height: buf.readUInt32BE(20), extension: 'png', mimeType: 'image/png'}
  }
  if (buf.length >= 10 && buf.toString('latin1', 0, 3) === 'GIF') {
    return {width: buf.readUInt16LE(6), height: buf.readUInt16LE(8), extension: 'gif', mimeType: 'image/gif'}
  }
  if (buf.length >= 30 && buf.toString('latin1', 0, 4) === 'RIFF' && buf.toString('latin1', 8, 12) === 'WEBP') {
    const chunk = buf.toString('latin1', 12, 16)
    if (chunk === 'VP8X') return {width: 1 + buf.readUIntLE(24, 3), height: 1 + buf.readUIntLE(27, 3), extension: 'webp', mimeType: 'image/webp'}
    if (chunk === 'VP8 ') return {width: buf.readUInt16LE(26) & 0x3fff, height: buf.readUInt16LE(28) & 0x3fff, extension: 'webp', mimeType: 'image/webp'}
    if (chunk === 'VP8L') {
      const bits = buf.readUInt32LE(21)
      return {width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1, extension: 'webp', mimeType: 'image/webp'}
    }
  }
  if (buf.length >= 4 && buf[0] === 0xff && buf[1] === 0xd8) {
    let offset = 2
    while (offset + 9 < buf.length) {
      if (buf[offset] !== 0xff) return undefined
      const marker = buf[offset + 1] ?? 0
      const length = buf.readUInt16BE(offset + 2)
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return {height: buf.readUInt16BE(offset + 5), width: buf.readUInt16BE(offset + 7), extension: 'jpg', mimeType: 'image/jpeg'}
      }
      offset += 2 + length
    }
  }
  return undefined
}

export function sha1(data: Uint8Array): string {
  return createHash('sha1').update(data).digest('hex')
}

/** Writes the bytes under their hash (once) and returns the hash. */
export function storeAsset(assetsDir: string, data: Uint8Array): string {
  const hash = sha1(data)
  const path = join(assetsDir, hash)
  if (!existsSync(path)) {
    const tmp = `${path}.tmp-${process.pid}`
    writeFileSync(tmp, data, {mode: 0o600})
    renameSync(tmp, path)
  }
  return hash
}

const ASSET_FILE = /^([a-f0-9]{40})(?:-(\d+)x(\d+))?\.([a-z0-9]{1,10})$/

/** Parses a served asset name (`<sha1>-<w>x<h>.<ext>` or `<sha1>.<ext>`); anything else (`..`, slashes) is refused. */
export function parseAssetFileName(name: string): {hash: string; extension: string} {
  const match = ASSET_FILE.exec(name)
  if (!match?.[1] || !match[4]) throw badRequest(`Invalid asset file name "${name}"`)
  return {hash: match[1], extension: match[4]}
}

/** The stored bytes without holding the event loop (image transforms read sources this way). */
export function readAssetAsync(assetsDir: string, hash: string): Promise<Buffer | undefined> {
  return readFile(join(assetsDir, hash)).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined
    throw error
  })
}

export function readAsset(assetsDir: string, hash: string): Buffer | undefined {
  const path = join(assetsDir, hash)
  return existsSync(path) ? readFileSync(path) : undefined
}

const MIME_BY_EXTENSION: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  svg: 'image/svg+xml',
  pdf: 'application/pdf',
  txt: 'text/plain; charset=utf-8',
  json: 'application/json',
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
}

export function mimeTypeOf(extension: string): string {
  return MIME_BY_EXTENSION[extension] ?? 'application/octet-stream'
}

/**
 * Asset documents keep the absolute `url` they were uploaded with, as on hosted Sanity. When the
 * server's public address changes (another port, AHP_PUBLIC_URL set), the stored URLs would point
 * at the old one: this rewrites each asset's `url` to `<publicUrl>/<path>` in one transaction per
 * dataset and returns how many changed. Run at start, once the public address is known.
 */
export async function refreshAssetUrls(store: Store, publicUrl: string): Promise<number> {
  const base = publicUrl.replace(/\/+$/, '')
  let changed = 0
  for (const dataset of store.list()) {
    await withWriteLock(dataset, async () => {
      const stale = [...dataset.docs.values()].filter(
        (doc) => (doc._type === 'sanity.imageAsset' || doc._type === 'sanity.fileAsset') && typeof doc.path === 'string' && doc.url !== `${base}/${doc.path}`,
      )
      if (stale.length === 0) return
      const tx = new TransactionBuilder(dataset, newTransactionId(), new Date().toISOString())
      for (const [index, doc] of stale.entries()) tx.patch(doc._id, {set: {url: `${base}/${String(doc.path)}`}}, index)
      dataset.commit({id: tx.transactionId, timestamp: tx.timestamp, author: 'system', changes: tx.changes()})
      changed += stale.length
    })
  }
  return changed
}
