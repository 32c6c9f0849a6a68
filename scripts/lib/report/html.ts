import type {DocumentFindings} from '../../../editorial/engine'
import {buildReport, type ReportDocument, type ReportFinding, type ReportMeta, type ReportModel, type ReportRule, type ReportRuleRow} from './model'

/**
 * The editorial report as one self-contained HTML page: inline CSS, no scripts, no images, no
 * requests. Every piece of content is escaped: titles, messages and reasons are what editors
 * (and importers) wrote. Pure: the same model renders the same page.
 */

export interface HtmlOptions {
  /** Time zone for the generated time. Default Europe/London. */
  timeZone?: string
  /** Document type titles by type name (`quickGuide` → `Quick guide`); unknown types show their name. */
  typeTitles?: Readonly<Record<string, string>>
}

const HTML_ESCAPES: Record<string, string> = {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}

/** Escapes text for element content and quoted attribute values alike. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]!)
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`
}

/** An https/http address as a link target; anything else (javascript:, data:) is never linked. */
function safeHref(url: string): string | undefined {
  try {
    const parsed = new URL(url)
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : undefined
  } catch {
    return undefined
  }
}

/** "service-manual.nhs.uk" for a rule's guidance link: short enough for a table cell. */
function hostOf(href: string): string {
  return new URL(href).hostname.replace(/^www\./, '')
}

export function formatGeneratedAt(iso: string, timeZone = 'Europe/London'): string {
  const date = new Date(iso)
  const day = new Intl.DateTimeFormat('en-GB', {day: 'numeric', month: 'long', year: 'numeric', timeZone}).format(date)
  const time = new Intl.DateTimeFormat('en-GB', {hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone, timeZoneName: 'short'}).format(date)
  return `${day} at ${time}`
}

/** `2025-03-14` → `14 March 2025`. */
export function formatDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`)
  if (Number.isNaN(date.getTime())) return day
  return new Intl.DateTimeFormat('en-GB', {day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC'}).format(date)
}

const LEVEL_LABEL = {error: 'Error', warning: 'Warning'} as const

function badge(level: 'error' | 'warning'): string {
  return `<strong class="badge badge-${level}">${LEVEL_LABEL[level]}</strong>`
}

const CSS = `
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:#f0f4f5;color:#212b32;font-family:"Frutiger W01",Frutiger,"Frutiger Linotype",Arial,Helvetica,sans-serif;font-size:1rem;line-height:1.5}
.wrap{max-width:1100px;margin:0 auto;padding:0 16px}
.masthead{background:#005eb8;color:#fff;padding:12px 0}
.masthead p{margin:0;font-weight:700;font-size:1.125rem}
main{padding:24px 0 48px}
h1,h2,h3,h4{color:#005eb8;line-height:1.25;margin:0 0 16px}
h1{font-size:2rem;color:#212b32}
h2{font-size:1.5rem;margin-top:40px}
h3{font-size:1.25rem;margin:0 0 4px;overflow-wrap:anywhere}
h4{font-size:1rem;color:#212b32;margin:20px 0 8px}
p{margin:0 0 12px}
a{color:#005eb8}
a:visited{color:#330072}
a:hover{color:#7c2855}
a:focus{outline:4px solid transparent;background:#ffeb3b;color:#212b32;box-shadow:0 -2px #ffeb3b,0 4px #212b32;text-decoration:none}
code{font-family:Consolas,"Liberation Mono",Menlo,monospace;font-size:.875em;background:#f0f4f5;padding:0 4px;border-radius:2px;overflow-wrap:anywhere}
.meta{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0 0 24px}
.meta dt{font-weight:700}
.meta dd{margin:0;overflow-wrap:anywhere}
.totals{list-style:none;margin:0 0 8px;padding:0;display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px}
.totals li{background:#fff;border-top:4px solid #005eb8;padding:12px 16px}
.totals .value{display:block;font-size:2rem;font-weight:700;line-height:1.2}
.totals .label{display:block;color:#4c6272}
.totals li.total-errors{border-top-color:#d5281b}
.totals li.total-warnings{border-top-color:#ffb81c}
.totals li.total-overridden{border-top-color:#4c6272}
.contents{margin:16px 0 0;padding:0;list-style:none;display:flex;flex-wrap:wrap;gap:8px 24px}
.table-wrap{position:relative;overflow-x:auto;background:#fff;border:1px solid #d8dde0}
.table-wrap:focus{outline:4px solid #ffeb3b;outline-offset:0}
table{border-collapse:collapse;width:100%}
caption{text-align:left;padding:12px 16px;color:#4c6272}
th,td{text-align:left;vertical-align:top;padding:8px 12px;border-bottom:1px solid #d8dde0}
thead th{border-bottom:2px solid #4c6272;white-space:nowrap}
tbody th{font-weight:400}
tbody th code{white-space:nowrap;overflow-wrap:normal}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
tr.zero td.num{color:#4c6272}
.badge{display:inline-block;padding:2px 8px;border-radius:2px;font-size:.875rem;font-weight:700;line-height:1.4;white-space:nowrap}
.badge-error{background:#d5281b;color:#fff}
.badge-warning{background:#ffeb3b;color:#212b32;box-shadow:inset 0 0 0 1px #ffb81c}
.badge-overridden{background:#4c6272;color:#fff}
.document{background:#fff;border:1px solid #d8dde0;border-left:6px solid #005eb8;padding:16px 20px;margin:0 0 16px}
.document.has-errors{border-left-color:#d5281b}
.document.only-warnings{border-left-color:#ffb81c}
.doc-meta{color:#4c6272;margin:0 0 12px;overflow-wrap:anywhere}
.tag{display:inline-block;margin-left:8px;padding:0 8px;border:2px solid #4c6272;border-radius:2px;color:#4c6272;font-size:.875rem;font-weight:700;vertical-align:middle}
.findings{list-style:none;margin:0;padding:0}
.findings li{display:grid;grid-template-columns:6.5rem minmax(0,1fr);gap:4px 12px;padding:10px 0;border-top:1px solid #d8dde0}
.findings li:first-child{border-top:0}
.findings .badge{justify-self:start;align-self:start}
.findings .message{margin:0;overflow-wrap:anywhere}
.findings .where{margin:0;grid-column:2;color:#4c6272;font-size:.9375rem;overflow-wrap:anywhere}
.findings .reason{margin:4px 0 0;grid-column:2;padding:4px 0 4px 12px;border-left:4px solid #4c6272;overflow-wrap:anywhere}
.summary-counts{margin:0 0 8px}
.empty{background:#fff;border-left:6px solid #007f3b;padding:16px 20px}
.problems{background:#fff;border-left:6px solid #d5281b;padding:16px 20px 16px 40px}
.visually-hidden{position:absolute!important;width:1px!important;height:1px!important;margin:0!important;padding:0!important;overflow:hidden!important;clip:rect(0 0 0 0)!important;white-space:nowrap!important;border:0!important}
@media (max-width:640px){
  h1{font-size:1.625rem}
  h2{font-size:1.25rem}
  .totals{grid-template-columns:repeat(2,minmax(0,1fr))}
  .totals .value{font-size:1.5rem}
  .meta{grid-template-columns:1fr}
  .meta dd{margin-bottom:8px}
  .document{padding:12px}
  .findings li{grid-template-columns:1fr}
  .findings .where,.findings .reason{grid-column:1}
  th,td{padding:6px 8px}
}
@media print{
  body{background:#fff}
  .masthead{background:none;color:#212b32;border-bottom:2px solid #005eb8}
  .document{break-inside:avoid}
}
`

function renderTotals(model: ReportModel): string {
  const items: [key: string, value: number, label: string][] = [
    ['documents-checked', model.totals.documentsChecked, 'documents checked'],
    ['documents-with-findings', model.totals.documentsWithFindings, 'documents with findings'],
    ['errors', model.totals.errors, model.totals.errors === 1 ? 'error' : 'errors'],
    ['warnings', model.totals.warnings, model.totals.warnings === 1 ? 'warning' : 'warnings'],
    ['overridden', model.totals.overridden, 'overridden'],
  ]
  return `<ul class="totals" aria-label="Totals">${items
    .map(([key, value, label]) => `<li class="total-${key}" data-total="${key}"><span class="value">${value}</span> <span class="label">${escapeHtml(label)}</span></li>`)
    .join('')}</ul>`
}

function renderRuleRow(rule: ReportRuleRow): string {
  const href = rule.source ? safeHref(rule.source) : undefined
  const guidance = href
    ? `<a href="${escapeHtml(href)}">${escapeHtml(hostOf(href))}<span class="visually-hidden">: guidance for ${escapeHtml(rule.title)}</span></a>`
    : rule.source
      ? escapeHtml(rule.source)
      : '<span aria-label="none">–</span>'
  const zero = rule.findings === 0 && rule.overridden === 0 ? ' class="zero"' : ''
  return `<tr${zero} data-rule="${escapeHtml(rule.id)}"><th scope="row"><code>${escapeHtml(rule.id)}</code></th><td>${escapeHtml(rule.title)}</td><td>${badge(rule.level)}</td><td class="num" data-count="findings">${rule.findings}</td><td class="num" data-count="overridden">${rule.overridden}</td><td>${guidance}</td></tr>`
}

function renderByRule(model: ReportModel): string {
  // Most findings first, so the rules that matter most this time lead; zero-count rules stay, in the order given.
  const rows = model.rules
    .map((rule, index) => ({rule, index}))
    .sort((a, b) => b.rule.findings + b.rule.overridden - (a.rule.findings + a.rule.overridden) || a.index - b.index)
    .map(({rule}) => renderRuleRow(rule))
  return `<section aria-labelledby="by-rule">
<h2 id="by-rule">By rule</h2>
<div class="table-wrap" role="region" aria-labelledby="by-rule" tabindex="0"><table>
<caption>Every rule, with how many findings it has in this dataset and how many editors have overridden.</caption>
<thead><tr><th scope="col">Rule</th><th scope="col">What good looks like</th><th scope="col">Level</th><th scope="col" class="num">Findings</th><th scope="col" class="num">Overridden</th><th scope="col">Guidance</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table></div>
</section>`
}

function renderFinding(finding: ReportFinding, reason?: string): string {
  const label = reason === undefined ? badge(finding.level) : `<strong class="badge badge-overridden">Overridden</strong>`
  const level = reason === undefined ? '' : ` (${LEVEL_LABEL[finding.level].toLowerCase()})`
  return `<li data-rule="${escapeHtml(finding.ruleId)}">${label}<p class="message">${escapeHtml(finding.message)}</p><p class="where">${escapeHtml(finding.location)} · rule <code>${escapeHtml(finding.ruleId)}</code>${level}</p>${
    reason === undefined ? '' : `<p class="reason"><strong>Editor’s reason:</strong> ${escapeHtml(reason)}</p>`
  }</li>`
}

const STATE_LABEL = {published: '', draft: 'Draft', version: 'Release version'} as const

function renderDocument(document: ReportDocument, index: number, options: HtmlOptions): string {
  const state = STATE_LABEL[document.state]
  const type = options.typeTitles?.[document.documentType] ?? document.documentType
  const classes = ['document', document.errors > 0 ? 'has-errors' : document.warnings > 0 ? 'only-warnings' : 'only-overridden']
  const counts = [
    document.errors ? plural(document.errors, 'error') : '',
    document.warnings ? plural(document.warnings, 'warning') : '',
    document.overridden.length ? `${document.overridden.length} overridden` : '',
  ].filter(Boolean)
  const parts = [
    `<article class="${classes.join(' ')}" id="document-${index + 1}" data-document-id="${escapeHtml(document.documentId)}" aria-labelledby="document-${index + 1}-title">`,
    `<h3 id="document-${index + 1}-title">${escapeHtml(document.title)}${state ? ` <span class="tag">${state}</span>` : ''}</h3>`,
    `<p class="doc-meta">${escapeHtml(type)} · <code>${escapeHtml(document.documentId)}</code> · ${escapeHtml(counts.join(', '))}</p>`,
  ]
  if (document.findings.length) parts.push(`<ul class="findings">${document.findings.map((finding) => renderFinding(finding)).join('')}</ul>`)
  if (document.overridden.length) {
    parts.push(
      `<h4>Overridden (${document.overridden.length})</h4>`,
      `<ul class="findings overridden">${document.overridden.map((finding) => renderFinding(finding, finding.reason)).join('')}</ul>`,
    )
  }
  parts.push('</article>')
  return parts.join('\n')
}

function renderByDocument(model: ReportModel, options: HtmlOptions): string {
  const body = model.documents.length
    ? `<p>Documents with errors first, then those with the most findings.</p>\n${model.documents.map((document, index) => renderDocument(document, index, options)).join('\n')}`
    : `<p class="empty">No document has findings.</p>`
  return `<section aria-labelledby="by-document">
<h2 id="by-document">By document</h2>
${body}
</section>`
}

function renderLoadProblems(model: ReportModel): string {
  if (!model.loadProblems.length) return ''
  return `<section aria-labelledby="not-read">
<h2 id="not-read">Could not be read</h2>
<p>${plural(model.loadProblems.length, 'record')} in the source could not be read, so ${model.loadProblems.length === 1 ? 'it was' : 'they were'} not checked:</p>
<ul class="problems">${model.loadProblems.map((problem) => `<li>${escapeHtml(problem.message)}</li>`).join('')}</ul>
</section>`
}

/** The report page for a model built by `buildReport`. */
export function renderHtml(model: ReportModel, options: HtmlOptions = {}): string {
  const {errors, warnings} = model.totals
  const title = `Editorial report: ${plural(errors, 'error')}, ${plural(warnings, 'warning')} – AHP Content Hub`
  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header class="masthead"><div class="wrap"><p>AHP Content Hub</p></div></header>
<main class="wrap">
<h1>Editorial report</h1>
<dl class="meta">
<dt>Source</dt><dd>${escapeHtml(model.source)}</dd>
<dt>Generated</dt><dd><time datetime="${escapeHtml(model.generatedAt)}">${escapeHtml(formatGeneratedAt(model.generatedAt, options.timeZone))}</time></dd>
<dt>Dates judged against</dt><dd><time datetime="${escapeHtml(model.today)}">${escapeHtml(formatDay(model.today))}</time></dd>
</dl>
${renderTotals(model)}
<p>Overridden findings are ones an editor has switched off for a field, with a reason; they are not counted as errors or warnings.</p>
<nav aria-label="Contents"><ul class="contents"><li><a href="#by-rule">By rule</a></li><li><a href="#by-document">By document</a></li>${model.loadProblems.length ? '<li><a href="#not-read">Could not be read</a></li>' : ''}</ul></nav>
${renderLoadProblems(model)}
${renderByRule(model)}
${renderByDocument(model, options)}
</main>
</body>
</html>
`
}

/** Findings, rules and metadata straight to the page: `buildReport` then `renderHtml`. */
export function renderReportHtml(
  results: readonly DocumentFindings[],
  rules: readonly ReportRule[],
  meta: ReportMeta,
  options: HtmlOptions & {documents?: ReadonlyMap<string, unknown>} = {},
): string {
  return renderHtml(buildReport(results, rules, meta, options.documents), options)
}
