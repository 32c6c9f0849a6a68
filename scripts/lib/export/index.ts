import {CliError} from '../errors'
import type {ContentSource} from '../sources'
import {stableJson} from './canonicalJson'
import {buildExport, ExportProblems, formatProblem} from './buildExport'
import {fetchDocuments} from './fetchDocuments'
import {schemaFiles} from './schemaFiles'
import {checkReplaceable, writeAtomically, type OutputFile} from './writeOutput'

export {buildExport, ExportProblems, formatPath, formatProblem} from './buildExport'
export type {BuiltExport, ExportedRecord, ExportProblem} from './buildExport'
export {fetchDocuments} from './fetchDocuments'
export {portableTextToHtml} from './portableText'
export {ROUTES, routeFor} from './routes'
export {schemaFiles, TYPES_HEADER} from './schemaFiles'
export {forEachLimited, writeAtomically, WRITE_CONCURRENCY} from './writeOutput'

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

  const stored = await fetchDocuments(source, perspective, (fetched) => {
    if (fetched > PROGRESS_EVERY) options.onProgress?.(`fetched ${fetched} documents`)
  })
  const large = stored.length > PROGRESS_EVERY
  const progress = large ? options.onProgress : undefined

  let built
  try {
    built = buildExport(stored, {
      perspective,
      allowedTypes: options.allowedTypes,
      onProgress: progress && ((done, total) => progress(`prepared ${done}/${total} documents`)),
    })
  } catch (error) {
    if (error instanceof ExportProblems) refuse(error.problems.map(formatProblem), 'problem')
    throw error
  }

  const schema = schemaFiles()
  const files: OutputFile[] = []
  for (const doc of built.documents) files.push({path: `documents/${doc._type}/${doc._id}.json`, content: () => `${JSON.stringify(doc, null, 2)}\n`})
  for (const [type, entries] of built.indexes) files.push({path: `indexes/${type}.json`, content: () => stableJson(entries)})
  for (const [path, text] of schema.files) files.push({path, content: () => text})
  files.push({path: 'types.d.ts', content: () => schema.types})
  files.push({path: 'dataset.ndjson', content: () => built.ndjson})
  files.push({path: 'manifest.json', content: () => stableJson(built.manifest)})

  await writeAtomically(out, files, progress && ((written) => progress(`wrote ${written}/${files.length} files`)))
  return {out, total: built.manifest.total, counts: built.manifest.counts, contentHash: built.manifest.contentHash, files: files.length}
}
