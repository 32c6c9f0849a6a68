import type {ReleaseProblem, ReleaseValidationInput, ReleaseValidator} from './releases.js'

/**
 * The default validator of a release before it is published: `validateSource`, the code behind
 * `content:validate` (the Studio's own schema rules, then integrity across documents), run over the
 * dataset's published documents as they would be after publishing. It reports the errors of the
 * documents the release changes, and every strong reference to a document it unpublishes.
 * The validation code (and `sanity` with it) is loaded on first use, not at server start.
 */

/** Every `_ref` of a value that is not weak (`_weak: true` references may dangle). */
function strongRefs(value: unknown, out: Set<string>): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) strongRefs(item, out)
  } else if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>
    if (typeof record._ref === 'string') {
      if (record._weak !== true) out.add(record._ref)
      return out
    }
    for (const item of Object.values(record)) strongRefs(item, out)
  }
  return out
}

export const schemaReleaseValidator: ReleaseValidator = async (input: ReleaseValidationInput): Promise<ReleaseProblem[]> => {
  const [{validateSource}, {FileSource}] = await Promise.all([
    import('../validation/validateDataset.js'),
    import('../sources/fileSource.js'),
  ])
  const source = FileSource.fromDocuments(input.documents, `release ${input.releaseId}`)
  const report = await validateSource(source)
  const changed = new Set(input.changedIds)
  const unpublished = new Set(input.unpublishedIds)
  const problems: ReleaseProblem[] = report.problems
    .filter((p) => p.level === 'error' && p.documentId !== undefined && changed.has(p.documentId))
    .map((p) => ({documentId: p.documentId as string, path: p.path, message: p.message}))
  for (const doc of input.documents) {
    if (changed.has(doc._id)) continue
    for (const ref of strongRefs(doc, new Set())) {
      if (unpublished.has(ref)) {
        problems.push({documentId: doc._id, message: `refers to "${ref}", which this release unpublishes: remove the reference or keep "${ref}" published`})
      }
    }
  }
  return problems
}
