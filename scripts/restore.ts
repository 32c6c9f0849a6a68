import {BackupError, restoreBackup} from '../server/backup'
import {isMainModule, runMain, stringOption, type Command} from './lib/cli'
import {CliError, UsageError} from './lib/errors'

/** `npm run restore -- FILE`: a backup into an empty data folder (server/backup.ts). */

export const restoreCommand: Command = {
  name: 'restore',
  usage: `Usage: npm run restore -- FILE [--data DIR]

Restores a backup made by npm run backup into an empty (or new) data folder, then start the
server on it. A folder with anything in it is refused and left exactly as it was: stop the
server and move the old folder aside first. The backup is checked while it is unpacked (SHA-256
of every file, SQLite's integrity check, the counts), beside the target; only a backup that
passes is moved into place. Files get modes 0600 in 0700 folders.

Options:
  --data DIR     data folder to restore into (default: $AHP_DATA_DIR or ./data)
  -h, --help     show this help

Exit codes: 0 restored, 1 refused or failed (nothing changed), 2 usage error.
`,
  options: {
    data: {type: 'string'},
  },
  async run(values, io, positionals) {
    const [file, ...rest] = positionals
    if (!file) throw new UsageError('give the backup file: npm run restore -- FILE')
    if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`)
    const dataDir = stringOption(values, 'data') ?? (io.env.AHP_DATA_DIR || './data')
    try {
      const manifest = await restoreBackup({file, dataDir, progress: (line) => io.stderr(`${line}\n`)})
      io.stdout(`${dataDir}\t${manifest.cutAt}\t${manifest.datasets.map((d) => `${d.name}: ${d.documents} documents`).join(', ')}\n`)
      return 0
    } catch (err) {
      if (err instanceof BackupError) throw new CliError(err.message)
      if ((err as NodeJS.ErrnoException).code) throw new CliError((err as Error).message)
      throw err
    }
  },
}

if (isMainModule(import.meta.url)) runMain(restoreCommand)
