import {imageInfo, mimeTypeOf, parseAssetFileName, readAsset, readAssetAsync, storeAsset} from '../assets.js'
import {badRequest, notFound} from '../errors.js'
import {ImageService, imageMetadata, wantsTransform} from '../images/index.js'
import {json, type RequestContext, type Route} from '../http/router.js'
import {newTransactionId} from '../ids.js'
import {TransactionBuilder} from '../mutations.js'
import type {SanityDocument} from '../types.js'
import {withWriteLock} from '../writeLock.js'
import type {ServerDeps} from './deps.js'

/** Asset upload (`POST /assets/images|files/<ds>`) and the files served back (`/images|files/<project>/<ds>/<name>`). */

/** Raster images are shown inline; anything else (SVG, HTML, PDF, office files) is only ever downloaded. */
const INLINE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif'])

/**
 * Headers that keep an uploaded file from running on the Studio's origin: no script, no
 * sniffing, no framing; a non-raster file is an attachment, so a browser saves it rather than
 * rendering it (an SVG or HTML upload would otherwise run script with the Studio's storage).
 */
export function assetSafetyHeaders(headers: Headers, mimeType: string, fileName: string): void {
  headers.set('content-type', mimeType)
  headers.set('x-content-type-options', 'nosniff')
  headers.set('content-security-policy', "default-src 'none'; sandbox")
  headers.set('cross-origin-resource-policy', 'cross-origin')
  if (!INLINE_TYPES.has(mimeType)) headers.set('content-disposition', `attachment; filename="${fileName.replace(/[^\w.-]/g, '_')}"`)
}

export function assetRoutes(deps: ServerDeps): Route[] {
  const {projectId} = deps
  const images = new ImageService()

  async function upload(ctx: RequestContext): Promise<Response> {
    const kind = ctx.params.kind
    if (kind !== 'images' && kind !== 'files') throw notFound(`Unknown asset type "${kind}": use images or files`)
    const dataset = ctx.dataset()
    const data = await ctx.readBody()
    if (data.byteLength === 0) throw badRequest('Empty asset body')
    const filename = ctx.url.searchParams.get('filename') ?? undefined
    if (filename !== undefined && filename.length > 255) throw badRequest('"filename" is longer than 255 characters')
    const hash = storeAsset(dataset.assetsDir, data)
    // what differs between an image and a file; the asset document around it is the same
    let asset: {_id: string; _type: string; extension: string; mimeType: string; path: string; metadata?: unknown}
    if (kind === 'images') {
      const info = imageInfo(data)
      if (!info) throw badRequest('Invalid image: expected PNG, JPEG, GIF or WebP')
      let metadata
      try {
        metadata = await images.gate.run(() => imageMetadata(data, info.width, info.height))
      } catch (error) {
        if (error instanceof Error && error.name === 'ApiError') throw error
        throw badRequest(`Invalid image: ${error instanceof Error ? error.message : String(error)}`)
      }
      asset = {
        _id: `image-${hash}-${info.width}x${info.height}-${info.extension}`,
        _type: 'sanity.imageAsset',
        extension: info.extension,
        mimeType: info.mimeType,
        path: `images/${projectId}/${dataset.name}/${hash}-${info.width}x${info.height}.${info.extension}`,
        metadata,
      }
    } else {
      const extension = (filename?.match(/\.([a-zA-Z0-9]{1,10})$/)?.[1] ?? 'bin').toLowerCase()
      asset = {
        _id: `file-${hash}-${extension}`,
        _type: 'sanity.fileAsset',
        extension,
        // the type is the extension's, never the uploader's Content-Type header
        mimeType: mimeTypeOf(extension),
        path: `files/${projectId}/${dataset.name}/${hash}.${extension}`,
      }
    }
    const {metadata, ...named} = asset
    const document: SanityDocument = {
      ...named,
      assetId: hash,
      originalFilename: filename,
      sha1hash: hash,
      size: data.byteLength,
      uploadId: newTransactionId(),
      url: `${deps.publicUrl()}/${asset.path}`,
      ...(metadata === undefined ? {} : {metadata}),
    }
    return withWriteLock(dataset, async () => {
      const existing = dataset.docs.get(document._id)
      if (existing) return json(ctx, {document: existing})
      const tx = new TransactionBuilder(dataset, newTransactionId(), new Date().toISOString())
      tx.create(document, 0, 'createIfNotExists')
      const committed = dataset.commit({id: tx.transactionId, timestamp: tx.timestamp, author: ctx.caller.userId, changes: tx.changes()})
      return json(ctx, {document: committed.changes[0]?.after ?? document})
    })
  }

  /** A file as stored, or (images with image API parameters) a variant from server/images/. */
  async function serve(ctx: RequestContext): Promise<Response> {
    if (ctx.params.project !== projectId) throw notFound('Asset not found')
    const dataset = ctx.dataset()
    const fileName = ctx.params.file ?? ''
    const {hash, extension} = parseAssetFileName(fileName)
    const search = ctx.url.searchParams
    let body: Buffer
    let mimeType = mimeTypeOf(extension)
    let etag = `"${hash}"`
    if (ctx.route.path.startsWith('/images/') && wantsTransform(search)) {
      const variant = await images.variant({assetsDir: dataset.assetsDir, hash, extension, search, accept: ctx.request.headers.get('accept'), read: () => readAssetAsync(dataset.assetsDir, hash)})
      if (!variant) throw notFound('Asset not found')
      body = variant.data
      mimeType = variant.mimeType
      etag = variant.etag
      if (variant.variesByAccept) ctx.headers.append('vary', 'Accept')
    } else {
      const data = readAsset(dataset.assetsDir, hash)
      if (!data) throw notFound('Asset not found')
      body = data
    }
    assetSafetyHeaders(ctx.headers, mimeType, fileName)
    const download = search.get('dl')
    if (download !== null) {
      const name = (download || fileName).replace(/[^\w.-]/g, '_')
      ctx.headers.set('content-disposition', `attachment; filename="${name}"`)
    }
    ctx.headers.set('cache-control', 'public, max-age=31536000, immutable')
    ctx.headers.set('etag', etag)
    const ifNoneMatch = ctx.request.headers.get('if-none-match')
    if (ifNoneMatch && ifNoneMatch.split(',').some((tag) => tag.trim() === etag)) return new Response(null, {status: 304, headers: ctx.headers})
    return new Response(ctx.request.method === 'HEAD' ? null : new Uint8Array(body), {status: 200, headers: ctx.headers})
  }

  return [
    {method: 'POST', path: '/assets/:kind/:dataset', access: 'write', rateLimit: 'mutation', body: 'asset', handle: upload},
    {method: 'GET', path: '/images/:project/:dataset/:file', access: 'anyone', handle: serve},
    {method: 'GET', path: '/files/:project/:dataset/:file', access: 'anyone', handle: serve},
  ]
}
