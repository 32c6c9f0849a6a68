import {readField} from './content'
import {RULES} from './rules'
import type {DocumentRule, EditorialOverride, FieldKind, FieldRule, Finding, Path, Rule} from './types'

/**
 * Runs the rules. The Studio calls `checkField` from field validation (`editorial/sanity.ts`);
 * the CLI, the report and the benchmark call `checkDocument` with a plan of the fields to read
 * (`editorial/schemaKinds.ts`). Both apply the same overrides, so an editor and CI agree.
 */

export interface DocumentLike {
  _id?: string
  _type?: string
  editorialOverrides?: unknown
  [field: string]: unknown
}

export interface CheckOptions {
  /** The day dates are judged against. Default: now. */
  today?: Date
  /** The rules to run. Default: all of them. */
  rules?: readonly Rule[]
}

const byKind = new WeakMap<readonly Rule[], Map<FieldKind, FieldRule[]>>()
const documentRulesCache = new WeakMap<readonly Rule[], DocumentRule[]>()

function documentRulesOf(rules: readonly Rule[]): DocumentRule[] {
  let found = documentRulesCache.get(rules)
  if (!found) {
    found = rules.filter((rule): rule is DocumentRule => rule.scope === 'document')
    documentRulesCache.set(rules, found)
  }
  return found
}

function fieldRulesFor(rules: readonly Rule[], kind: FieldKind): FieldRule[] {
  let index = byKind.get(rules)
  if (!index) {
    index = new Map()
    for (const rule of rules) {
      if (rule.scope !== 'field') continue
      for (const ruleKind of rule.kinds) {
        const list = index.get(ruleKind) ?? []
        list.push(rule)
        index.set(ruleKind, list)
      }
    }
    byKind.set(rules, index)
  }
  return index.get(kind) ?? []
}

/** Rules that look at a whole document and report on `field` of documents of `type`. */
export function documentRulesFor(type: string | undefined, field: string, rules: readonly Rule[] = RULES): DocumentRule[] {
  if (!type) return []
  return rules.filter((rule): rule is DocumentRule => rule.scope === 'document' && rule.field === field && rule.types.includes(type))
}

/** Every finding for one field value of a known kind, at `fieldPath` in the document (overrides not yet applied). */
export function checkField(kind: FieldKind, value: unknown, fieldPath: Path, document: DocumentLike | undefined, options: CheckOptions = {}): Finding[] {
  const rules = fieldRulesFor(options.rules ?? RULES, kind)
  if (rules.length === 0) return []
  const content = readField(kind, value)
  const context = {document, today: options.today ?? new Date()}
  const findings: Finding[] = []
  for (const rule of rules) {
    for (const found of rule.check(content, context)) {
      findings.push({ruleId: rule.id, level: rule.level, message: found.message, path: found.path.length === 0 ? fieldPath : fieldPath.concat(found.path)})
    }
  }
  return findings
}

function runDocumentRule(rule: DocumentRule, document: DocumentLike, today: Date): Finding[] {
  return rule
    .check(document, {document, today})
    .map((found) => ({ruleId: rule.id, level: rule.level, message: found.message, path: [rule.field, ...found.path]}))
}

/** Findings of the document-wide rules that report on `field`. */
export function checkDocumentField(document: DocumentLike, field: string, options: CheckOptions = {}): Finding[] {
  const today = options.today ?? new Date()
  return documentRulesFor(document._type, field, options.rules ?? RULES).flatMap((rule) => runDocumentRule(rule, document, today))
}

// ---------------------------------------------------------------------------------------------
// Overrides

/** The overrides on a document that count: they name a rule and give a reason. */
export function overridesOf(document: DocumentLike | undefined): EditorialOverride[] {
  const raw = document?.editorialOverrides
  if (!Array.isArray(raw)) return []
  return raw.filter(
    (item): item is EditorialOverride =>
      typeof item === 'object' && item !== null && typeof item.rule === 'string' && typeof item.reason === 'string' && item.reason.trim() !== '',
  )
}

/** The override that switches this finding off, if any: same rule, and the same top-level field or the whole document. */
export function overrideFor(finding: Finding, overrides: readonly EditorialOverride[]): EditorialOverride | undefined {
  const field = typeof finding.path[0] === 'string' ? finding.path[0] : undefined
  return overrides.find((override) => override.rule === finding.ruleId && (!override.field || override.field === field))
}

export interface OverriddenFinding extends Finding {
  reason: string
}

export interface DocumentFindings {
  documentId: string
  documentType: string
  /** Shown in reports: the title, name or label the editor knows the document by. */
  title: string
  findings: Finding[]
  overridden: OverriddenFinding[]
}

// ---------------------------------------------------------------------------------------------
// Whole documents, from a plan of where the fields are

/** One place in a document type that holds a checkable value. `'[]'` steps into each array item. */
export interface FieldPlanEntry {
  path: readonly string[]
  kind: FieldKind
}

/** Fields to check per document type (see `buildPlan` in `editorial/schemaKinds.ts`). */
export type DocumentPlan = ReadonlyMap<string, readonly FieldPlanEntry[]>

function visit(value: unknown, pattern: readonly string[], at: Path, found: (value: unknown, path: Path) => void): void {
  if (pattern.length === 0) {
    found(value, at)
    return
  }
  const [step, ...rest] = pattern
  if (step === '[]') {
    if (!Array.isArray(value)) return
    value.forEach((item, index) => {
      const key = typeof item === 'object' && item !== null && typeof (item as {_key?: unknown})._key === 'string' ? {_key: (item as {_key: string})._key} : index
      visit(item, rest, [...at, key], found)
    })
    return
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return
  visit((value as Record<string, unknown>)[step!], rest, [...at, step!], found)
}

/** Each value at a planned path in a document, with its concrete path (array items by `_key`). */
export function valuesAt(document: DocumentLike, pattern: readonly string[]): {value: unknown; path: Path}[] {
  const found: {value: unknown; path: Path}[] = []
  visit(document, pattern, [], (value, path) => {
    if (value !== undefined && value !== null) found.push({value, path})
  })
  return found
}

function titleOf(document: DocumentLike): string {
  for (const field of ['title', 'name', 'label']) {
    const value = document[field]
    if (typeof value === 'string' && value.trim() !== '') return value
  }
  return document._id ?? '(no id)'
}

/** Every finding in one document, with overrides applied. */
export function checkDocument(document: DocumentLike, plan: DocumentPlan, options: CheckOptions = {}): DocumentFindings {
  const all: Finding[] = []
  const entries = plan.get(document._type ?? '') ?? []
  for (const entry of entries) {
    for (const {value, path} of valuesAt(document, entry.path)) all.push(...checkField(entry.kind, value, path, document, options))
  }
  for (const rule of documentRulesOf(options.rules ?? RULES)) {
    if (document._type && rule.types.includes(document._type)) all.push(...runDocumentRule(rule, document, options.today ?? new Date()))
  }
  const overrides = overridesOf(document)
  const findings: Finding[] = []
  const overridden: OverriddenFinding[] = []
  for (const finding of all) {
    const override = overrideFor(finding, overrides)
    if (override) overridden.push({...finding, reason: override.reason!.trim()})
    else findings.push(finding)
  }
  return {documentId: document._id ?? '', documentType: document._type ?? '', title: titleOf(document), findings, overridden}
}

/** Every document's findings, in the order given. Drafts and published copies are checked alike. */
export function checkDocuments(documents: Iterable<DocumentLike>, plan: DocumentPlan, options: CheckOptions = {}): DocumentFindings[] {
  const today = options.today ?? new Date()
  const results: DocumentFindings[] = []
  for (const document of documents) {
    if (!plan.has(document._type ?? '')) continue
    results.push(checkDocument(document, plan, {...options, today}))
  }
  return results
}
