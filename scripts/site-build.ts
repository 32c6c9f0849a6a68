import {isMainModule, runCommand, runMain, stringOption, type CliIo, type Command} from './lib/cli'
import {CliError, UsageError} from './lib/errors'

const USAGE = `Usage: npm run site:build -- --out DIR [--from EXPORT_DIR]

Write the public website as static files from an export (npm run content:export): one
index.html per page at the export's routes, the NHS.UK design system's stylesheet (cut to what
the pages use) and icons, and the images the pages show. Pages need no JavaScript and make no
request to the Content API. The same export gives byte-identical files.

Options:
  --out DIR       Folder to write (required). Replaced as a whole: it must be absent, empty or
                  an earlier site build.
  --from DIR      The export to read (default: dist).
  -h, --help      Show this help.

Serve DIR with any static file server that answers /path with /path/index.html.
Exit codes: 0 built, 1 content or runtime error, 2 usage error.
`

export const siteBuildCommand: Command = {
  name: 'site:build',
  usage: USAGE,
  options: {out: {type: 'string', short: 'o'}, from: {type: 'string'}},
  async run(values, io, positionals) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`)
    const out = stringOption(values, 'out')
    if (!out) throw new UsageError('--out DIR is required: the folder to write the site to')
    const from = stringOption(values, 'from') ?? 'dist'
    const {buildSite} = await import('../site/build')
    const started = performance.now()
    let summary
    try {
      summary = await buildSite({from, out, onProgress: (message) => io.stderr(`site:build: ${message}\n`)})
    } catch (error) {
      throw new CliError((error as Error).message.split('\n')[0]!)
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1)
    io.stdout(
      `Built ${summary.pages} pages into ${out} in ${seconds} s\n` +
        `stylesheet ${(summary.cssBytes / 1024).toFixed(1)} KB; largest page ${summary.largestPage.path}: ${(summary.largestPage.bytes / 1024).toFixed(1)} KB of HTML and CSS\n`,
    )
    return 0
  },
}

/** Run `site:build` with `argv` and return its exit code; what tests call. */
export function siteBuild(argv: string[], io?: CliIo): Promise<number> {
  return runCommand(siteBuildCommand, argv, io)
}

if (isMainModule(import.meta.url)) runMain(siteBuildCommand)
