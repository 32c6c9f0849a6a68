import {BackupError, createBackup, formatBytes} from '../server/backup'
import {isMainModule, runMain, stringOption, type Command} from './lib/cli'
import {CliError, UsageError} from './lib/errors'

/** `npm run backup -- --out FILE`: a consistent copy of the data folder while the server runs (server/backup.ts). */

export const backupCommand: Command = {
  name: 'backup',
  usage: `Usage: npm run backup -- --out FILE [--data DIR]

Takes a consistent copy of the local server's data folder while it runs and writes go on: every
dataset (SQLite's online backup, all from one moment), their assets, the accounts
(users.sqlite), the tokens and the local CA, as one tar file (0600). Every transaction
acknowledged before the backup began is in it. The file is then read back and checked: SHA-256
of every file, SQLite's integrity check, document and transaction counts, an asset file for every
asset document. Restore with: npm run restore -- FILE

Run it as the user the server runs as (it reads the 0600 files of the data folder).

Options:
  --out FILE     the backup file to write (must not exist); e.g. /var/backups/ahp/ahp-$(date +%F).tar
  --data DIR     data folder (default: $AHP_DATA_DIR or ./data)
  -h, --help     show this help

Progress goes to stderr; the file name and counts to stdout.
Exit codes: 0 written and verified, 1 failed (nothing left half written), 2 usage error.
`,
  options: {
    out: {type: 'string'},
    data: {type: 'string'},
  },
  async run(values, io, positionals) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}": give the file with --out`)
    const out = stringOption(values, 'out')
    if (!out) throw new UsageError('--out FILE is required')
    const dataDir = stringOption(values, 'data') ?? (io.env.AHP_DATA_DIR || './data')
    const started = performance.now()
    try {
      const manifest = await createBackup({dataDir, out, progress: (line) => io.stderr(`${line}\n`)})
      const documents = manifest.datasets.reduce((n, d) => n + d.documents, 0)
      const bytes = manifest.files.reduce((n, f) => n + f.bytes, 0)
      io.stdout(`${out}\t${manifest.cutAt}\t${manifest.datasets.length} dataset(s)\t${documents} documents\t${manifest.users} account(s)\t${manifest.tokens} token(s)\t${formatBytes(bytes)}\n`)
      io.stderr(`Backup done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`)
      return 0
    } catch (err) {
      if (err instanceof BackupError) throw new CliError(err.message)
      const code = (err as NodeJS.ErrnoException).code
      if (code) throw new CliError(`${(err as Error).message}`)
      throw err
    }
  },
}

if (isMainModule(import.meta.url)) runMain(backupCommand)
