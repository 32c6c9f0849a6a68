import {TOKEN_ROLES, TokenStore} from '../server/auth'
import type {Role} from '../server/types'
import {isMainModule, runMain, stringOption, type Command} from './lib/cli'
import {CliError, UsageError} from './lib/errors'

/** `npm run token -- create --role editor`: manages the local server's API tokens in its data folder. */

export const tokenCommand: Command = {
  name: 'token',
  usage: `Usage: npm run token -- <create|list|revoke> [options]

Manages API tokens of the local server, kept in its data folder (tokens.json, mode 0600).
The server reads them on every request: no restart needed.

Commands:
  create --role ROLE [--label TEXT]   print a new token (stdout); ROLE: ${TOKEN_ROLES.join(', ')}
                                      (metrics: reads /metrics and nothing else)
  list                                list tokens (id, role, label, created), never their secrets
  revoke ID                           delete a token by id

Options:
  --data DIR     data folder (default: $AHP_DATA_DIR or ./data)
  -h, --help     show this help

Exit codes: 0 ok, 1 runtime error, 2 usage error.
`,
  options: {
    role: {type: 'string'},
    label: {type: 'string'},
    data: {type: 'string'},
  },
  async run(values, io, positionals) {
    const [action, ...rest] = positionals
    const dataDir = stringOption(values, 'data') ?? (io.env.AHP_DATA_DIR || './data')
    const store = () => new TokenStore(dataDir, io.env.AHP_ADMIN_TOKEN || undefined)
    switch (action) {
      case 'create': {
        const role = stringOption(values, 'role')
        if (!role || !(TOKEN_ROLES as readonly string[]).includes(role)) throw new UsageError(`--role must be one of ${TOKEN_ROLES.join(', ')}`)
        if (rest.length > 0) throw new UsageError('create takes no arguments')
        const {token, record} = store().create(role as Role, stringOption(values, 'label') ?? role)
        io.stdout(`${token}\n`)
        io.stderr(`Created ${record.role} token ${record.id} in ${dataDir}/tokens.json\n`)
        return 0
      }
      case 'list': {
        for (const t of store().list()) io.stdout(`${t.id}\t${t.role}\t${t.label}\t${t.createdAt}\n`)
        return 0
      }
      case 'revoke': {
        const [id] = rest
        if (!id || rest.length !== 1) throw new UsageError('revoke needs one token id (see: npm run token -- list)')
        if (!store().remove(id)) throw new CliError(`no token with id "${id}"`)
        io.stderr(`Revoked token ${id}\n`)
        return 0
      }
      default:
        throw new UsageError(action ? `unknown command "${action}"` : 'give a command: create, list or revoke')
    }
  },
}

if (isMainModule(import.meta.url)) runMain(tokenCommand)
