import type {ContentSource, Perspective, StoredDocument} from '../../../sources'

/**
 * Documents of content types: not system documents (`_.` ids) and not Sanity's own types. The
 * image assets the content uses are fetched separately, by `fetchImageAssets`.
 */
const CONTENT_FILTER = '!(_id in path("_.**")) && !string::startsWith(_type, "sanity.") && !string::startsWith(_type, "system.")'

export const PAGE_SIZE = 5000

/**
 * Every content document visible under `perspective`, in pages of `PAGE_SIZE` ordered by `_id`,
 * through GROQ only, so it reads the seed file, the local server and a hosted project alike.
 */
export async function fetchDocuments(
  source: ContentSource,
  perspective: Perspective,
  onPage: (fetched: number) => void = () => {},
  pageSize = PAGE_SIZE,
): Promise<StoredDocument[]> {
  const documents: StoredDocument[] = []
  let after = ''
  for (;;) {
    const page = await source.fetch<StoredDocument[] | null>(
      `*[${CONTENT_FILTER} && _id > $after] | order(_id asc) [0...${pageSize}]`,
      {after},
      {perspective},
    )
    if (!Array.isArray(page) || page.length === 0) break
    documents.push(...page)
    onPage(documents.length)
    if (page.length < pageSize) break
    after = page[page.length - 1]!._id
  }
  return documents
}
