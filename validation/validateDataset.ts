import {pathToString, validateDocument, type SanityDocument, type Workspace} from 'sanity'

import {checkDataset} from '../editorial/dataset'
import {ruleById} from '../editorial/rules'
import {DOCUMENT_TYPE_NAMES} from '../schemas'
import type {ContentSource, StoredDocument} from '../sources'
import {checkIntegrity} from './integrity'
import {compareProblems, type Problem} from './problem'
import {clientForRules, createValidationWorkspace} from './workspace'

/** Types Sanity itself writes (assets, releases); they have no schema of ours to check. */
function isSystemType(type: string): boolean {
  return type.startsWith('sanity.') || type.startsWith('system.')
}

/** Schema validation is mostly waiting on promises: many in flight is much faster than one at a time. */
const CONCURRENCY = 256

export interface ValidateOptions {
  /** Called after each document, for progress on large datasets. */
  onProgress?: (done: number, total: number) => void
}

export interface ValidationReport {
  documentCount: number
  problems: Problem[]
  /** Editorial findings switched off by an override with a reason: counted, not listed. */
  overridden: number
}

const EDITORIAL_SUFFIX = / \(([a-z][a-z0-9-]*)\)$/

async function mapPool<T, R>(items: readonly T[], limit: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  async function worker() {
    while (next < items.length) {
      const index = next++
      results[index] = await run(items[index]!)
    }
  }
  await Promise.all(Array.from({length: Math.min(limit, items.length)}, worker))
  return results
}

async function schemaProblems(doc: StoredDocument, workspace: Workspace): Promise<Problem[]> {
  const markers = await validateDocument({
    document: doc as SanityDocument,
    workspace,
    // 'studio', not 'cli': in 'cli' Sanity downgrades some errors (a missing slug or object) to
    // warnings and drops their messages. Editors see the 'studio' results, so we report those.
    environment: 'studio',
    // Existence and type of referenced documents are checked by checkIntegrity, with a fix.
    getDocumentExists: async () => true,
    maxCustomValidationConcurrency: 64,
    maxFetchConcurrency: 64,
  })
  return markers.map((marker): Problem => {
    // Editorial findings end with their rule id in brackets (see formatFinding in editorial/sanity.ts).
    const rule = EDITORIAL_SUFFIX.exec(marker.message)?.[1]
    return {
      level: marker.level,
      check: rule && ruleById(rule) ? 'editorial' : 'schema',
      ...(rule && ruleById(rule) ? {rule} : {}),
      documentId: doc._id,
      documentType: doc._type,
      path: marker.path.length ? pathToString(marker.path) : undefined,
      message: marker.message,
    }
  })
}

/**
 * Validate every document of a source with the schema's own rules (the Studio's), then check
 * the dataset as a whole. Unreadable lines are reported and the rest is still checked.
 */
export async function validateSource(source: ContentSource, options: ValidateOptions = {}): Promise<ValidationReport> {
  const [loadProblems, documents] = await Promise.all([
    source.loadProblems(),
    source.fetch<StoredDocument[]>('*', {}, {perspective: 'raw'}),
  ])
  const problems: Problem[] = loadProblems.map((problem) => ({level: 'error', check: 'source', line: problem.line, message: problem.message}))

  const known = new Set(DOCUMENT_TYPE_NAMES)
  const toCheck: StoredDocument[] = []
  for (const doc of documents) {
    if (known.has(doc._type)) toCheck.push(doc)
    else if (!isSystemType(doc._type)) {
      problems.push({
        level: 'error',
        check: 'integrity',
        documentId: doc._id,
        documentType: doc._type,
        path: '_type',
        message: `unknown type "${doc._type}": use one of ${[...known].sort().join(', ')}`,
      })
    }
  }

  const workspace = await createValidationWorkspace(clientForRules(source))
  let done = 0
  const perDocument = await mapPool(toCheck, CONCURRENCY, async (doc) => {
    const found = await schemaProblems(doc, workspace)
    options.onProgress?.(++done, toCheck.length)
    return found
  })
  problems.push(...perDocument.flat())
  // Every document, assets included: they are what image and file fields refer to.
  problems.push(...checkIntegrity(documents, (name) => (known.has(name) ? workspace.schema.get(name) : undefined)))

  // A field with several failing rules that share one message (required, integer, min) is one
  // problem; and a missing field's own message explains its sub-fields' bare "Required".
  const errorPaths = new Set(problems.filter((p) => p.level === 'error' && p.path).map((p) => `${p.documentId}\u0000${p.path}`))
  const seen = new Set<string>()
  const unique = problems.filter((problem) => {
    const parent = problem.path?.includes('.') ? problem.path.slice(0, problem.path.lastIndexOf('.')) : undefined
    if (parent && problem.message === 'Required' && errorPaths.has(`${problem.documentId}\u0000${parent}`)) return false
    const key = JSON.stringify([problem.level, problem.documentId, problem.path, problem.line, problem.message])
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
  const overridden = checkDataset(toCheck).reduce((count, result) => count + result.overridden.length, 0)
  return {documentCount: documents.length, problems: unique.sort(compareProblems), overridden}
}
