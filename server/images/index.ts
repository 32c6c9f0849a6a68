import {createHash} from 'node:crypto'
import {dirname, join} from 'node:path'

import {VariantCache, TransformGate} from './cache.js'
import {canonicalParams, parseImageParams, type ImageParams, type OutputFormat} from './params.js'
import {MIME_BY_FORMAT, transformImage} from './transform.js'

export {imageMetadata, type ImageMetadata} from './metadata.js'
export {MAX_OUTPUT_PIXELS, MAX_SIDE, parseImageParams, type ImageParams} from './params.js'
export {MAX_INPUT_PIXELS} from './transform.js'
export {TransformGate, VariantCache} from './cache.js'

/** The image API's query parameters; any of them makes a request a transform. */
const IMAGE_PARAMS = ['w', 'h', 'max-w', 'max-h', 'min-w', 'min-h', 'fit', 'crop', 'fp-x', 'fp-y', 'rect', 'fm', 'auto', 'q', 'dpr', 'bg', 'blur', 'sharp', 'flip', 'or', 'invert', 'sat', 'pad']

export function wantsTransform(search: URLSearchParams): boolean {
  return IMAGE_PARAMS.some((name) => search.has(name))
}

const SOURCE_FORMATS: Record<string, OutputFormat> = {jpg: 'jpg', jpeg: 'jpg', png: 'png', webp: 'webp', gif: 'gif', avif: 'avif'}

/** `fm`, else with `auto=format` the best the client accepts (WebP, then AVIF: WebP encodes several times faster), else the source's format. */
export function outputFormat(params: ImageParams, sourceExtension: string, accept: string | null): OutputFormat {
  if (params.fm) return params.fm
  if (params.autoFormat && accept) {
    if (accept.includes('image/webp')) return 'webp'
    if (accept.includes('image/avif')) return 'avif'
  }
  return SOURCE_FORMATS[sourceExtension] ?? 'png'
}

export interface Variant {
  data: Buffer
  mimeType: string
  /** strong: the same key always gives the same bytes */
  etag: string
  params: ImageParams
  /** `auto=format` made the answer depend on Accept */
  variesByAccept: boolean
}

export interface ImageServiceOptions {
  /** bytes of transformed images kept per dataset; default AHP_IMAGE_CACHE_BYTES or 512 MiB */
  cacheBytes?: number
  /** transforms at once; default 2 */
  running?: number
  /** transforms waiting before a 503; default 32 */
  queued?: number
}

/**
 * Transformed variants of stored images: parsed parameters, then the disk cache, then sharp
 * behind the gate. Two requests for one variant at once share one transform.
 */
export class ImageService {
  private readonly caches = new Map<string, VariantCache>()
  private readonly inFlight = new Map<string, Promise<Buffer | undefined>>()
  readonly gate: TransformGate
  private readonly cacheBytes: number

  constructor(options: ImageServiceOptions = {}) {
    this.cacheBytes = options.cacheBytes ?? (Number(process.env.AHP_IMAGE_CACHE_BYTES) || 512 * 1024 * 1024)
    this.gate = new TransformGate(options.running ?? 2, options.queued ?? 32)
  }

  cacheFor(assetsDir: string): VariantCache {
    let cache = this.caches.get(assetsDir)
    if (!cache) {
      cache = new VariantCache(join(dirname(assetsDir), 'image-cache'), this.cacheBytes)
      this.caches.set(assetsDir, cache)
    }
    return cache
  }

  async variant(options: {assetsDir: string; hash: string; extension: string; search: URLSearchParams; accept: string | null; read: () => Promise<Buffer | undefined>}): Promise<Variant | undefined> {
    const params = parseImageParams(options.search)
    const format = outputFormat(params, options.extension, options.accept)
    const key = createHash('sha256').update(`${options.hash}\n${canonicalParams(params, format)}`).digest('hex')
    const cache = this.cacheFor(options.assetsDir)
    let data = await cache.get(key)
    if (!data) {
      let pending = this.inFlight.get(key)
      if (!pending) {
        pending = (async () => {
          const source = await options.read()
          if (!source) return undefined
          const result = await this.gate.run(() => transformImage(source, params, format))
          await cache.put(key, result.data)
          return result.data
        })()
        this.inFlight.set(key, pending)
        pending.finally(() => this.inFlight.delete(key)).catch(() => {})
      }
      data = await pending
      if (!data) return undefined
    }
    return {data, mimeType: MIME_BY_FORMAT[format], etag: `"${key.slice(0, 40)}"`, params, variesByAccept: params.autoFormat && !params.fm}
  }
}
