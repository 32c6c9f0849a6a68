import type {ContentSource, Perspective, StoredDocument} from '../../../sources'

/**
 * An image asset as the export gives it in place of `{_type: 'reference', _ref: 'image-…'}`:
 * what an `<img>` needs, and the `_id` that @sanity/image-url parses. Keys sorted, like the rest
 * of an exported document. `url` is the copy of the file inside the export (`assets/<name>`,
 * relative to the export folder), so an exported site never calls the server.
 */
export interface ExpandedAsset {
  _id: string
  height?: number
  mimeType?: string
  url: string
  width?: number
}

/** Where the export reads an asset's file from: the asset document's `path` and `url`. */
export interface AssetFile {
  id: string
  /** the file's name in the export's `assets/`: `<sha1>-<w>x<h>.<ext>`, from the asset id */
  fileName: string
  /** the asset document's `path` (`images/<project>/<dataset>/<file>`), when it has one */
  path?: string
  /** the asset document's `url`: where the source said the file is served */
  url: string
}

export interface ImageAssets {
  /** by asset id: what references to it expand to; `null` for an asset document without a url */
  expanded: Map<string, ExpandedAsset | null>
  /** the files to copy into `assets/`, sorted by id */
  files: AssetFile[]
}

/** Sanity's image asset ids: `image-<sha1>-<width>x<height>-<extension>`. */
export const IMAGE_ASSET_ID = /^image-([A-Za-z0-9]+)-(\d+x\d+)-([A-Za-z0-9]+)$/

/** The folder of the export that holds the copied asset files. */
export const ASSETS_DIR = 'assets'

/** Asset ids per query, so a query with many images stays well under any URL length limit. */
export const ASSET_BATCH = 200

/** `image-<sha1>-<w>x<h>-<ext>` → `<sha1>-<w>x<h>.<ext>`, the name Sanity's CDN serves it under. */
export function assetFileName(id: string): string {
  const match = IMAGE_ASSET_ID.exec(id)
  if (!match) throw new Error(`assetFileName(): "${id}" is not an image asset id`)
  return `${match[1]}-${match[2]}.${match[3]!.toLowerCase()}`
}

/** Every image asset id referenced anywhere in `documents`, with the ids of the documents that use it; sorted. */
export function imageAssetUsage(documents: readonly StoredDocument[]): Map<string, string[]> {
  const usage = new Map<string, string[]>()
  let current = ''
  const visit = (value: unknown): void => {
    if (value === null || typeof value !== 'object') return
    if (Array.isArray(value)) {
      for (const item of value) visit(item)
      return
    }
    const record = value as Record<string, unknown>
    const ref = record._ref
    if (typeof ref === 'string' && IMAGE_ASSET_ID.test(ref)) {
      const users = usage.get(ref) ?? []
      if (users.at(-1) !== current) users.push(current)
      usage.set(ref, users)
    }
    for (const key in record) {
      const item = record[key]
      if (item !== null && typeof item === 'object') visit(item)
    }
  }
  for (const doc of documents) {
    current = doc._id
    visit(doc)
  }
  return new Map([...usage].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}

/** Every image asset id referenced anywhere in `documents`, sorted. */
export function imageAssetIds(documents: readonly StoredDocument[]): string[] {
  return [...imageAssetUsage(documents).keys()]
}

interface AssetRow {
  _id: string
  url?: unknown
  path?: unknown
  mimeType?: unknown
  metadata?: {dimensions?: {width?: unknown; height?: unknown} | null} | null
}

/**
 * The `sanity.imageAsset` documents of `ids`, through GROQ like the content, so it reads the
 * seed file, the local server and a hosted project alike. An asset whose document has no `url`
 * maps to `null`; an asset the source does not have is absent: both are problems for the
 * documents that use them (see `buildExport`).
 */
export async function fetchImageAssets(source: ContentSource, ids: readonly string[], perspective: Perspective): Promise<ImageAssets> {
  const expanded = new Map<string, ExpandedAsset | null>()
  const files: AssetFile[] = []
  for (let start = 0; start < ids.length; start += ASSET_BATCH) {
    const rows = await source.fetch<AssetRow[] | null>(
      '*[_type == "sanity.imageAsset" && _id in $ids]{_id, url, path, mimeType, metadata{dimensions}}',
      {ids: ids.slice(start, start + ASSET_BATCH)},
      {perspective},
    )
    for (const row of rows ?? []) {
      const asset = expandAsset(row)
      expanded.set(row._id, asset)
      if (asset && typeof row.url === 'string') {
        files.push({id: row._id, fileName: assetFileName(row._id), url: row.url, ...(typeof row.path === 'string' && row.path !== '' && {path: row.path})})
      }
    }
  }
  files.sort((a, b) => (a.id < b.id ? -1 : 1))
  return {expanded, files}
}

function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined
}

export function expandAsset(row: AssetRow): ExpandedAsset | null {
  if (typeof row.url !== 'string' || row.url === '' || !IMAGE_ASSET_ID.test(row._id)) return null
  const height = positive(row.metadata?.dimensions?.height)
  const width = positive(row.metadata?.dimensions?.width)
  const mimeType = typeof row.mimeType === 'string' && row.mimeType !== '' ? row.mimeType : undefined
  // Built in sorted key order: the export writes keys sorted at every level.
  return {
    _id: row._id,
    ...(height !== undefined && {height}),
    ...(mimeType !== undefined && {mimeType}),
    url: `${ASSETS_DIR}/${assetFileName(row._id)}`,
    ...(width !== undefined && {width}),
  }
}
