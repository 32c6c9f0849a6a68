import type {ContentSource, Perspective, StoredDocument} from '../../../sources'

/**
 * An image asset as the export gives it in place of `{_type: 'reference', _ref: 'image-…'}`:
 * what an `<img>` needs, and the `_id` that @sanity/image-url parses. Keys sorted, like the rest
 * of an exported document.
 */
export interface ExpandedAsset {
  _id: string
  height?: number
  mimeType?: string
  url: string
  width?: number
}

/** Sanity's image asset ids: `image-<sha1>-<width>x<height>-<extension>`. */
export const IMAGE_ASSET_ID = /^image-[A-Za-z0-9]+-\d+x\d+-[A-Za-z0-9]+$/

/** Asset ids per query, so a query with many images stays well under any URL length limit. */
export const ASSET_BATCH = 200

/** Every image asset id referenced anywhere in `documents`, sorted. */
export function imageAssetIds(documents: readonly StoredDocument[]): string[] {
  const ids = new Set<string>()
  const visit = (value: unknown): void => {
    if (value === null || typeof value !== 'object') return
    if (Array.isArray(value)) {
      for (const item of value) visit(item)
      return
    }
    const record = value as Record<string, unknown>
    const ref = record._ref
    if (typeof ref === 'string' && IMAGE_ASSET_ID.test(ref)) ids.add(ref)
    for (const key in record) {
      const item = record[key]
      if (item !== null && typeof item === 'object') visit(item)
    }
  }
  for (const doc of documents) visit(doc)
  return [...ids].sort()
}

interface AssetRow {
  _id: string
  url?: unknown
  mimeType?: unknown
  metadata?: {dimensions?: {width?: unknown; height?: unknown} | null} | null
}

/**
 * The `sanity.imageAsset` documents of `ids`, through GROQ like the content, so it reads the
 * seed file, the local server and a hosted project alike. An asset whose document has no `url`
 * maps to `null`; an asset the source does not have is absent: both are problems for the
 * documents that use them (see `buildExport`).
 */
export async function fetchImageAssets(
  source: ContentSource,
  ids: readonly string[],
  perspective: Perspective,
): Promise<Map<string, ExpandedAsset | null>> {
  const assets = new Map<string, ExpandedAsset | null>()
  for (let start = 0; start < ids.length; start += ASSET_BATCH) {
    const rows = await source.fetch<AssetRow[] | null>(
      '*[_type == "sanity.imageAsset" && _id in $ids]{_id, url, mimeType, metadata{dimensions}}',
      {ids: ids.slice(start, start + ASSET_BATCH)},
      {perspective},
    )
    for (const row of rows ?? []) assets.set(row._id, expandAsset(row))
  }
  return assets
}

function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined
}

export function expandAsset(row: AssetRow): ExpandedAsset | null {
  if (typeof row.url !== 'string' || row.url === '') return null
  const height = positive(row.metadata?.dimensions?.height)
  const width = positive(row.metadata?.dimensions?.width)
  const mimeType = typeof row.mimeType === 'string' && row.mimeType !== '' ? row.mimeType : undefined
  // Built in sorted key order: the export writes keys sorted at every level.
  return {
    _id: row._id,
    ...(height !== undefined && {height}),
    ...(mimeType !== undefined && {mimeType}),
    url: row.url,
    ...(width !== undefined && {width}),
  }
}
