import {formatProblem, SEVERITY, type Level, type Problem} from './problem'
import type {ValidationReport} from './validateDataset'

export type Format = 'pretty' | 'json' | 'ndjson'
export const FORMATS: readonly Format[] = ['pretty', 'json', 'ndjson']

export interface Summary {
  documents: number
  errors: number
  warnings: number
  infos: number
}

export function summarise(report: ValidationReport): Summary {
  const count = (level: Level) => report.problems.filter((p) => p.level === level).length
  return {documents: report.documentCount, errors: count('error'), warnings: count('warning'), infos: count('info')}
}

function plural(n: number, word: string) {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

/** Render problems at `level` or more severe. Data goes to stdout; the caller writes it. */
export function renderReport(report: ValidationReport, format: Format, level: Level, sourceDescription: string): string {
  const shown = report.problems.filter((problem) => SEVERITY[problem.level] <= SEVERITY[level])
  const summary = summarise(report)
  if (format === 'json') return `${JSON.stringify({source: sourceDescription, summary: {...summary, overridden: report.overridden}, problems: shown}, null, 2)}\n`
  if (format === 'ndjson') return shown.map((problem) => `${JSON.stringify(problem)}\n`).join('')

  const lines = shown.map((problem: Problem) => `${problem.level.padEnd(7)} ${formatProblem(problem)}`)
  const verdict = summary.errors === 0 ? 'valid' : 'invalid'
  lines.push(
    `${lines.length ? '\n' : ''}${sourceDescription}: ${plural(summary.documents, 'document')} checked, ${verdict}: ${plural(summary.errors, 'error')}, ${plural(summary.warnings, 'warning')}` +
      (report.overridden > 0 ? ` (${report.overridden} editorial ${report.overridden === 1 ? 'finding' : 'findings'} overridden with a reason)` : ''),
  )
  return `${lines.join('\n')}\n`
}
