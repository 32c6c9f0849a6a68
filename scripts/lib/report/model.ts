import type {DocumentFindings, OverriddenFinding} from '../../../editorial/engine'
import type {Finding, Level, Path, Rule} from '../../../editorial/types'

/**
 * What `content:report` writes, before it is HTML: the totals, a row per rule and a section per
 * document with findings. `findings.json` is this object as it is; `html.ts` renders it.
 */

/** The parts of a rule the report shows. */
export type ReportRule = Pick<Rule, 'id' | 'level' | 'title' | 'source'>

export interface ReportMeta {
  /** Where the documents came from: `file content/dataset.ndjson`, `https://localhost:3333 (dataset production)`. */
  source: string
  /** When the report was made. */
  generatedAt: Date
  /** The day dates were judged against, `YYYY-MM-DD`. */
  today: string
  /** Records the source could not read (malformed NDJSON lines): shown so nobody thinks they were checked. */
  loadProblems?: readonly {line?: number; message: string}[]
}

export interface ReportFinding {
  ruleId: string
  level: Level
  message: string
  /** Absolute Sanity path, as the engine gives it. */
  path: Path
  /** The path as an editor reads it: `body › block 3 › link`. */
  location: string
}

export interface ReportOverriddenFinding extends ReportFinding {
  reason: string
}

export interface ReportDocument {
  documentId: string
  documentType: string
  title: string
  /** A draft (`drafts.…`) or a release version (`versions.…`) rather than the published document. */
  state: 'published' | 'draft' | 'version'
  errors: number
  warnings: number
  findings: ReportFinding[]
  overridden: ReportOverriddenFinding[]
}

export interface ReportRuleRow extends ReportRule {
  /** Findings still showing (not overridden). */
  findings: number
  overridden: number
  /** False for a rule id met in findings but missing from the rule list (a rule since removed). */
  known: boolean
}

export interface ReportTotals {
  documentsChecked: number
  /** Documents with at least one finding, shown or overridden: the ones listed under "By document". */
  documentsWithFindings: number
  errors: number
  warnings: number
  overridden: number
}

export interface ReportModel {
  source: string
  /** ISO 8601. */
  generatedAt: string
  today: string
  totals: ReportTotals
  rules: ReportRuleRow[]
  documents: ReportDocument[]
  loadProblems: {line?: number; message: string}[]
}

type Doc = Record<string, unknown>

function isRecord(value: unknown): value is Doc {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** What one array item is called in a readable path. */
function itemName(parentField: string | undefined, item: unknown): string {
  const type = isRecord(item) && typeof item._type === 'string' ? item._type : undefined
  if (parentField === 'markDefs') return 'link'
  if (parentField === 'children') return 'text'
  if (type === 'block') return 'block'
  if (type === 'image') return 'image'
  if (type === 'link' || type === 'internalLink') return 'link'
  if (type === 'reference') return 'reference'
  return 'item'
}

/**
 * A path as an editor reads it, `body › block 3 › link`, with 1-based positions found in the
 * document; a key that is no longer there reads `[_key=="a1"]`, as in Sanity. Link and text
 * positions inside a block are left out: "block 3 › link" is enough to find it.
 */
export function describePath(path: Path, document?: unknown): string {
  const parts: string[] = []
  let at: unknown = document
  let field: string | undefined
  for (const segment of path) {
    if (typeof segment === 'string') {
      parts.push(segment)
      field = segment
      at = isRecord(at) ? at[segment] : undefined
      continue
    }
    const items = Array.isArray(at) ? at : undefined
    const index = typeof segment === 'number' ? segment : (items?.findIndex((item) => isRecord(item) && item._key === segment._key) ?? -1)
    const item = index >= 0 ? items?.[index] : undefined
    if (index < 0 || (items && index >= items.length)) {
      parts.push(typeof segment === 'number' ? `item ${segment + 1}` : `[_key==${JSON.stringify(segment._key)}]`)
    } else {
      const name = itemName(field, item)
      const numbered = field === 'markDefs' || field === 'children' ? name : `${name} ${index + 1}`
      // "body › block 3 › markDefs › link" says the same thing twice: the item names the list.
      if (field === 'markDefs' || field === 'children') parts.pop()
      parts.push(numbered)
    }
    field = undefined
    at = item
  }
  return parts.length ? parts.join(' › ') : '(whole document)'
}

export function documentState(id: string): ReportDocument['state'] {
  if (id.startsWith('drafts.')) return 'draft'
  if (id.startsWith('versions.')) return 'version'
  return 'published'
}

const LEVEL_ORDER: Record<Level, number> = {error: 0, warning: 1}

function byLevel<T extends Finding>(findings: readonly T[]): T[] {
  return findings
    .map((finding, index) => ({finding, index}))
    .sort((a, b) => LEVEL_ORDER[a.finding.level] - LEVEL_ORDER[b.finding.level] || a.index - b.index)
    .map(({finding}) => finding)
}

/**
 * The report for `results` (from `checkDataset`). `documents`, when given, are the documents
 * checked, by `_id`: paths are then described with positions ("block 3").
 */
export function buildReport(
  results: readonly DocumentFindings[],
  rules: readonly ReportRule[],
  meta: ReportMeta,
  documents?: ReadonlyMap<string, unknown>,
): ReportModel {
  const rows = new Map<string, ReportRuleRow>(rules.map((rule) => [rule.id, {id: rule.id, level: rule.level, title: rule.title, source: rule.source, findings: 0, overridden: 0, known: true}]))
  const row = (finding: Finding) => {
    let found = rows.get(finding.ruleId)
    if (!found) {
      found = {id: finding.ruleId, level: finding.level, title: '(not in the current rule list)', source: '', findings: 0, overridden: 0, known: false}
      rows.set(finding.ruleId, found)
    }
    return found
  }

  const reported: ReportDocument[] = []
  for (const result of results) {
    if (result.findings.length === 0 && result.overridden.length === 0) continue
    const document = documents?.get(result.documentId)
    const describe = (finding: Finding): ReportFinding => ({
      ruleId: finding.ruleId,
      level: finding.level,
      message: finding.message,
      path: finding.path,
      location: describePath(finding.path, document),
    })
    for (const finding of result.findings) row(finding).findings++
    for (const finding of result.overridden) row(finding).overridden++
    reported.push({
      documentId: result.documentId,
      documentType: result.documentType,
      title: result.title,
      state: documentState(result.documentId),
      errors: result.findings.filter((finding) => finding.level === 'error').length,
      warnings: result.findings.filter((finding) => finding.level === 'warning').length,
      findings: byLevel(result.findings).map(describe),
      overridden: byLevel(result.overridden).map((finding: OverriddenFinding) => ({...describe(finding), reason: finding.reason})),
    })
  }
  // Errors first, then the most findings; ties by title and id, so two runs list alike.
  reported.sort(
    (a, b) =>
      b.errors - a.errors ||
      b.findings.length - a.findings.length ||
      b.overridden.length - a.overridden.length ||
      a.title.localeCompare(b.title, 'en-GB') ||
      (a.documentId < b.documentId ? -1 : a.documentId > b.documentId ? 1 : 0),
  )

  const totals: ReportTotals = {
    documentsChecked: results.length,
    documentsWithFindings: reported.length,
    errors: reported.reduce((sum, document) => sum + document.errors, 0),
    warnings: reported.reduce((sum, document) => sum + document.warnings, 0),
    overridden: reported.reduce((sum, document) => sum + document.overridden.length, 0),
  }
  return {
    source: meta.source,
    generatedAt: meta.generatedAt.toISOString(),
    today: meta.today,
    totals,
    rules: [...rows.values()],
    documents: reported,
    loadProblems: [...(meta.loadProblems ?? [])].map((problem) => ({...problem})),
  }
}
