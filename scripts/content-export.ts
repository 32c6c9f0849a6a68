import {isMainModule, runCommand, runMain, stringOption, type CliIo, type Command} from './lib/cli'
import {UsageError} from './lib/errors'
import {exportContent} from './lib/export'
import {resolveSource} from '../sources'

const USAGE = `Usage: npm run content:export -- [--out DIR] [--source file:PATH|https://HOST] [--dataset NAME] [--perspective published|drafts]

Export content for any frontend: one JSON file per document with references expanded, HTML of
every Portable Text field, per-type indexes, dataset.ndjson for "sanity dataset import", JSON
Schema and TypeScript types of the exported shapes, and manifest.json. The same input gives
byte-identical output. On any problem nothing is written.

Options:
  --out DIR              Folder to write (default: dist). Replaced as a whole; it must be absent,
                         empty or an earlier export.
  --source file:PATH     Read an NDJSON file (default: content/dataset.ndjson).
  --source https://HOST  Read a Sanity API, such as the local server, with a token from
                         AHP_TOKEN or SANITY_API_TOKEN. With no --source and SANITY_PROJECT_ID
                         set, read that hosted project.
  --dataset NAME         Dataset to read from an API source (default: production).
  --perspective NAME     published (default) or drafts (drafts overlaid on published documents).
  -h, --help             Show this help.

Exit codes: 0 exported, 1 content or runtime error (nothing written), 2 usage error.
`

export const contentExportCommand: Command = {
  name: 'content:export',
  usage: USAGE,
  options: {
    out: {type: 'string', short: 'o'},
    source: {type: 'string'},
    dataset: {type: 'string'},
    perspective: {type: 'string'},
  },
  async run(values, io, positionals) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`)
    const out = stringOption(values, 'out') ?? 'dist'
    if (out === '') throw new UsageError('--out needs a folder')
    const perspective = stringOption(values, 'perspective') ?? 'published'
    if (perspective !== 'published' && perspective !== 'drafts') {
      throw new UsageError(`--perspective must be "published" or "drafts", not "${perspective}"`)
    }
    // The types the export contracts know, which are the schema's document types (test/export.test.ts
    // checks they stay the same): importing the schema itself would load all of `sanity` (about
    // 750 MB of memory) for a list of names.
    const {documentContracts} = await import('../contracts')
    const source = resolveSource({source: stringOption(values, 'source'), dataset: stringOption(values, 'dataset'), env: io.env})
    io.stderr(`content:export: reading ${source.description} (${perspective})\n`)
    const summary = await exportContent({
      source,
      out,
      perspective,
      allowedTypes: Object.keys(documentContracts),
      onProgress: (message) => io.stderr(`content:export: ${message}\n`),
    })
    const counts = Object.entries(summary.counts)
      .map(([type, count]) => `  ${type.padEnd(14)} ${count}`)
      .join('\n')
    io.stdout(`Exported ${summary.total} documents to ${summary.out} (${summary.files} files)\n${counts}\ncontent hash ${summary.contentHash}\n`)
    return 0
  },
}

/** Run `content:export` with `argv` and return its exit code; what tests call. */
export function contentExport(argv: string[], io?: CliIo): Promise<number> {
  return runCommand(contentExportCommand, argv, io)
}

if (isMainModule(import.meta.url)) runMain(contentExportCommand)
