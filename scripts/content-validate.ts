import {isMainModule, runMain, stringOption, type Command} from './lib/cli'
import {UsageError} from './lib/errors'
import {resolveSource} from '../sources'
import {LEVELS} from '../validation/problem'
import {FORMATS, renderReport} from '../validation/report'

/** Narrow an option to one of a list, or fail with a usage error naming the choices. */
function oneOf<T extends string>(name: string, value: string | undefined, choices: readonly T[], fallback: T): T {
  if (value === undefined) return fallback
  if ((choices as readonly string[]).includes(value)) return value as T
  throw new UsageError(`--${name} must be one of ${choices.join(', ')} (got "${value}")`)
}

export const contentValidate: Command = {
  name: 'content:validate',
  usage: `
Usage: npm run content:validate -- [options]

Checks every document with the schema's own rules (the ones the Studio shows editors), then
the dataset as a whole: references resolve to documents of allowed types, slugs are unique per
type, drafts have a published document.

Options:
  --source SOURCE   file:PATH (NDJSON), or https://HOST for a Sanity API such as the local server.
                    Default: content/dataset.ndjson, or the hosted project in SANITY_PROJECT_ID.
  --dataset NAME    Dataset on an API source (default: production, or SANITY_DATASET).
  --format FORMAT   pretty (default), json or ndjson.
  --level LEVEL     Show error, warning (default) or info and everything more severe.
  -h, --help        Show this help.

Environment: AHP_TOKEN or SANITY_API_TOKEN for API sources; SANITY_PROJECT_ID, SANITY_DATASET.
Exit codes: 0 valid, 1 content errors, 2 usage errors.
`,
  options: {
    source: {type: 'string'},
    dataset: {type: 'string'},
    format: {type: 'string'},
    level: {type: 'string'},
  },
  async run(values, io) {
    const format = oneOf('format', stringOption(values, 'format'), FORMATS, 'pretty')
    const level = oneOf('level', stringOption(values, 'level'), LEVELS, 'warning')
    const source = resolveSource({source: stringOption(values, 'source'), dataset: stringOption(values, 'dataset'), env: io.env})
    const progress = process.stderr.isTTY
      ? (done: number, total: number) => {
          if (total >= 1000 && (done % 500 === 0 || done === total)) io.stderr(`\rvalidated ${done}/${total} documents`)
          if (total >= 1000 && done === total) io.stderr('\n')
        }
      : undefined
    // Loaded here, not at the top: importing Sanity takes seconds, and --help or a usage error should not wait.
    const {validateSource} = await import('../validation/validateDataset')
    const report = await validateSource(source, {onProgress: progress})
    io.stdout(renderReport(report, format, level, source.description))
    return report.problems.some((problem) => problem.level === 'error') ? 1 : 0
  },
}

if (isMainModule(import.meta.url)) runMain(contentValidate)
