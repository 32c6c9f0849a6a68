export type Level = 'error' | 'warning' | 'info'

export const LEVELS: readonly Level[] = ['error', 'warning', 'info']

/** Lower is more severe: a report at level "warning" shows errors and warnings. */
export const SEVERITY: Record<Level, number> = {error: 0, warning: 1, info: 2}

/**
 * One thing wrong with the content. Each names the document, the field and the fix, so the
 * message can be acted on without opening the dataset.
 */
export interface Problem {
  level: Level
  /** The document's `_id`; absent for problems with the source itself (a malformed line). */
  documentId?: string
  documentType?: string
  /** The field path in Sanity's notation: `slug.current`, `body[_key=="a1"].markDefs`. */
  path?: string
  /** 1-based NDJSON line, when the problem is a line that could not be read. */
  line?: number
  /**
   * Which check found it: `schema` (the schema's own rules), `editorial` (an editorial check from
   * editorial/rules, also run through the schema), `integrity`, or `source`.
   */
  check: 'schema' | 'editorial' | 'integrity' | 'source'
  /** For editorial findings: the rule's id, which an editor names to override it. */
  rule?: string
  message: string
}

export function formatProblem(problem: Problem): string {
  const where = problem.documentId
    ? `${problem.documentType ?? 'document'} "${problem.documentId}"${problem.path ? ` ${problem.path}` : ''}`
    : problem.line !== undefined
      ? `line ${problem.line}`
      : 'source'
  return `${where}: ${problem.message}`
}

export function compareProblems(a: Problem, b: Problem): number {
  return (
    SEVERITY[a.level] - SEVERITY[b.level] ||
    // Lines the source could not read come first: they may explain later problems.
    Number(b.check === 'source') - Number(a.check === 'source') ||
    (a.line ?? 0) - (b.line ?? 0) ||
    (a.documentId ?? '').localeCompare(b.documentId ?? '') ||
    (a.path ?? '').localeCompare(b.path ?? '') ||
    a.message.localeCompare(b.message)
  )
}
