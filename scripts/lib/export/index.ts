import {CliError} from '../errors'
import type {ContentSource} from '../../../sources'
import {stableJson} from './canonicalJson'
import {buildExport, ExportProblems, formatProblem, type BuiltExport} from './buildExport'
import {fetchDocuments} from './fetchDocuments'
import {readAssetFile} from './assetFiles'
import {ASSETS_DIR, fetchImageAssets, imageAssetUsage} from './imageAssets'
import {schemaFiles} from './schemaFiles'
import {checkReplaceable, writeAtomically} from './writeOutput'

export {buildExport, ExportProblems, formatPath, formatProblem} from './buildExport'
export type {BuiltExport, ExportedRecord, ExportProblem} from './buildExport'
export {fetchDocuments} from './fetchDocuments'
export {readAssetFile} from './assetFiles'
export {ASSETS_DIR, assetFileName, fetchImageAssets, imageAssetIds, imageAssetUsage} from './imageAssets'
export type {AssetFile, ExpandedAsset, ImageAssets} from './imageAssets'
export {portableTextToHtml} from './portableText'
export {ROUTES, routeFor} from './routes'
export {schemaFiles, TYPES_HEADER} from './schemaFiles'
export {FileWriter, forEachLimited, writeAtomically, WRITE_CONCURRENCY} from './writeOutput'

/** Progress is reported when a dataset has more documents than this, every this many documents. */
export const PROGRESS_EVERY = 1000

/** At most this many problems are listed; the rest are counted. */
const MAX_LISTED_PROBLEMS = 50

export interface ExportOptions {
  source: ContentSource
  out: string
  perspective: 'published' | 'drafts'
  allowedTypes: readonly string[]
  /** A line of progress, for stderr. */
  onProgress?: (message: string) => void
}

export interface ExportSummary {
  out: string
  total: number
  counts: Record<string, number>
  contentHash: string
  files: number
  /** Asset files copied into `assets/`. */
  assets: number
  /** Milliseconds spent querying, preparing and writing documents, and writing the rest: for the benchmark. */
  timings: {fetch: number; build: number; write: number}
}

function refuse(lines: string[], what: string): never {
  const listed = lines.slice(0, MAX_LISTED_PROBLEMS)
  const more = lines.length - listed.length
  throw new CliError(
    `refusing to export: ${lines.length} ${what}${lines.length === 1 ? '' : 's'}, nothing written\n${listed.map((line) => `  ${line}`).join('\n')}${more > 0 ? `\n  … and ${more} more` : ''}`,
  )
}

/**
 * Export every document visible under `perspective` from `source` into `out`: per-document JSON
 * with references expanded and Portable Text as HTML, per-type indexes, importable NDJSON, JSON
 * Schema, TypeScript types and a manifest. Refuses, writing nothing, on any problem.
 */
export async function exportContent(options: ExportOptions): Promise<ExportSummary> {
  const {source, out, perspective} = options
  await checkReplaceable(out)

  const loadProblems = await source.loadProblems()
  if (loadProblems.length > 0) refuse(loadProblems.map((problem) => `${source.description}: ${problem.message}`), 'unreadable record')

  const started = performance.now()
  const stored = await fetchDocuments(source, perspective, (fetched) => {
    if (fetched > PROGRESS_EVERY) options.onProgress?.(`fetched ${fetched} documents`)
  })
  // Asset documents are not content (fetchDocuments leaves them out): fetch the ones in use.
  const usage = imageAssetUsage(stored)
  const imageAssets = await fetchImageAssets(source, [...usage.keys()], perspective)
  const fetched = performance.now()
  const large = stored.length > PROGRESS_EVERY
  const progress = large ? options.onProgress : undefined
  const schema = schemaFiles()

  let built: BuiltExport | undefined
  let builtAt = fetched
  await writeAtomically(
    out,
    async (writer) => {
      const ndjson = await writer.stream('dataset.ndjson')
      try {
        built = await buildExport(stored, {
          perspective,
          allowedTypes: options.allowedTypes,
          imageAssets: imageAssets.expanded,
          onProgress: progress && ((done, total) => progress(`prepared ${done}/${total} documents`)),
          emit: (doc) => writer.write(`documents/${doc._type}/${doc._id}.json`, `${JSON.stringify(doc)}\n`),
          writeLine: ndjson.write,
        })
      } catch (error) {
        await ndjson.close().catch(() => {})
        if (error instanceof ExportProblems) refuse(error.problems.map(formatProblem), 'problem')
        throw error
      }
      await ndjson.close()
      // The files of the images the content uses, one at a time, so a site built from the export
      // never calls the server. Any that cannot be read: nothing is written.
      const unreadable: string[] = []
      for (const file of imageAssets.files) {
        try {
          await writer.write(`${ASSETS_DIR}/${file.fileName}`, await readAssetFile(source, file))
        } catch (error) {
          const users = (usage.get(file.id) ?? []).map((id) => `"${id}"`).join(', ')
          unreadable.push(`image asset "${file.id}" (used by ${users}): ${error instanceof Error ? error.message : String(error)}`)
        }
      }
      if (unreadable.length > 0) refuse(unreadable, 'unreadable image file')
      builtAt = performance.now()
      for (const [type, entries] of built.indexes) await writer.write(`indexes/${type}.json`, stableJson(entries))
      for (const [path, text] of schema.files) await writer.write(path, text)
      await writer.write('types.d.ts', schema.types)
      await writer.write('manifest.json', stableJson(built.manifest))
    },
    progress && ((written) => written % PROGRESS_EVERY === 0 && progress(`wrote ${written} files`)),
  )
  if (!built) throw new Error('exportContent(): the build did not run')
  const {manifest} = built as BuiltExport
  // documents, indexes, schema files, types.d.ts, dataset.ndjson, manifest.json, assets
  const files = manifest.total + Object.keys(manifest.counts).length + schema.files.size + 3 + imageAssets.files.length
  const timings = {fetch: fetched - started, build: builtAt - fetched, write: performance.now() - builtAt}
  return {out, assets: imageAssets.files.length, total: manifest.total, counts: manifest.counts, contentHash: manifest.contentHash, files, timings}
}
