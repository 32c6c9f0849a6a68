import {join} from 'node:path'

import {isMainModule, runMain, stringOption, type Command} from './lib/cli'
import {UsageError} from './lib/errors'
import {checkOutDir, writeFilesAtomically} from './lib/report/write'
import {resolveSource, type StoredDocument} from '../sources'

export const contentReport: Command = {
  name: 'content:report',
  usage: `
Usage: npm run content:report -- --out DIR [options]

Runs the editorial checks (NHS content style, accessibility, links) on every document, drafts
included, and writes a report for an editorial lead:
  DIR/index.html     one self-contained page: totals, findings by rule and by document,
                     overridden findings with the editor's reason
  DIR/findings.json  the same, machine-readable
Each file is written whole to a temporary file and then renamed, so a report is never half written.

Options:
  --out DIR         Folder to write the report to (created if missing). Required.
  --source SOURCE   file:PATH (NDJSON), or https://HOST for a Sanity API such as the local server.
                    Default: content/dataset.ndjson, or the hosted project in SANITY_PROJECT_ID.
  --dataset NAME    Dataset on an API source (default: production, or SANITY_DATASET).
  --today DATE      The day to judge dates against, YYYY-MM-DD (default: today in England).
  -h, --help        Show this help.

Environment: AHP_TOKEN or SANITY_API_TOKEN for API sources; SANITY_PROJECT_ID, SANITY_DATASET.
Exit codes: 0 no errors (warnings allowed), 1 error-level findings or a failure, 2 usage errors.
`,
  options: {
    out: {type: 'string'},
    source: {type: 'string'},
    dataset: {type: 'string'},
    today: {type: 'string'},
  },
  async run(values, io) {
    const out = stringOption(values, 'out')
    if (out === undefined || out.trim() === '') throw new UsageError('--out DIR is required: the folder to write index.html and findings.json to')
    const today = parseToday(stringOption(values, 'today')) ?? londonDay(new Date())
    const source = resolveSource({source: stringOption(values, 'source'), dataset: stringOption(values, 'dataset'), env: io.env})
    await checkOutDir(out)

    // Loaded here, not at the top: the schema imports Sanity, which takes seconds, and --help or a
    // usage error should not wait.
    const [{checkDataset}, {RULES}, {schemaTypes}, {buildReport}, {renderHtml}] = await Promise.all([
      import('../editorial/dataset'),
      import('../editorial/rules'),
      import('../schemas'),
      import('./lib/report/model'),
      import('./lib/report/html'),
    ])

    const documents = (await source.fetch<StoredDocument[] | null>('*', {}, {perspective: 'raw'})) ?? []
    const loadProblems = await source.loadProblems()
    for (const problem of loadProblems) io.stderr(`content:report: ${problem.message}\n`)
    documents.sort((a, b) => (a._id < b._id ? -1 : a._id > b._id ? 1 : 0))

    const results = checkDataset(documents, {today: dayAsDate(today)})
    const report = buildReport(results, RULES, {source: source.description, generatedAt: new Date(), today, loadProblems}, new Map(documents.map((document) => [document._id, document])))
    const typeTitles = Object.fromEntries(
      (schemaTypes as unknown as {name?: string; title?: string; type?: string}[])
        .filter((type) => type.type === 'document' && type.name && type.title)
        .map((type) => [type.name!, type.title!]),
    )
    await writeFilesAtomically(out, {
      'findings.json': `${JSON.stringify(report, null, 2)}\n`,
      'index.html': renderHtml(report, {typeTitles}),
    })

    const {documentsWithFindings, errors, warnings, overridden} = report.totals
    io.stdout(
      `${plural(documentsWithFindings, 'document')} with findings: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}, ${overridden} overridden. Report: ${join(out, 'index.html')}\n`,
    )
    return errors > 0 ? 1 : 0
  },
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`
}

/** `--today YYYY-MM-DD`, checked to be a real day; undefined when not given. */
export function parseToday(value: string | undefined): string | undefined {
  if (value === undefined) return undefined
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value)
  const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : undefined
  if (!date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
    throw new UsageError(`--today must be a date as YYYY-MM-DD, such as 2025-03-14 (got "${value}")`)
  }
  return value
}

/** The day in England at `date`, `YYYY-MM-DD`. */
export function londonDay(date: Date): string {
  return new Intl.DateTimeFormat('en-CA', {timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit'}).format(date)
}

/** Midday UTC of a `YYYY-MM-DD` day: the same day in England whether or not summer time applies. */
function dayAsDate(day: string): Date {
  return new Date(`${day}T12:00:00Z`)
}

if (isMainModule(import.meta.url)) runMain(contentReport)
