import {createInterface} from 'node:readline'
import {ROLES, TokenStore} from '../server/auth'
import type {ContentRole} from '../server/types'
import {MIN_PASSWORD_LENGTH, UserStore} from '../server/users'
import {isMainModule, runMain, stringOption, type CliIo, type Command} from './lib/cli'
import {CliError, UsageError} from './lib/errors'

/** `npm run user -- create --email ... --role editor`: local accounts that sign in to the Studio. */

export interface UserCommandDeps {
  /** reads the password: from stdin with --password-stdin, else from a prompt on a TTY */
  readPassword?: (options: {fromStdin: boolean; io: CliIo}) => Promise<string>
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)))
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '')
}

/** Prompts twice on the terminal without echoing what is typed. */
async function promptPassword(io: CliIo): Promise<string> {
  const ask = (question: string) =>
    new Promise<string>((resolve) => {
      const rl = createInterface({input: process.stdin, output: process.stderr, terminal: true})
      const output = rl as unknown as {_writeToOutput: (text: string) => void}
      let prompted = false
      output._writeToOutput = (text: string) => {
        if (!prompted) {
          prompted = true
          process.stderr.write(text)
        }
      }
      rl.question(question, (answer) => {
        rl.close()
        process.stderr.write('\n')
        resolve(answer)
      })
    })
  const first = await ask('Password: ')
  const second = await ask('Password again: ')
  if (first !== second) throw new CliError('the two passwords are not the same; nothing was changed')
  return first
}

export const defaultReadPassword: NonNullable<UserCommandDeps['readPassword']> = async ({fromStdin, io}) => {
  if (fromStdin) return readStdin()
  if (!process.stdin.isTTY) throw new UsageError('no terminal to ask for the password: pass it on stdin with --password-stdin')
  return promptPassword(io)
}

export function createUserCommand(deps: UserCommandDeps = {}): Command {
  const readPassword = deps.readPassword ?? defaultReadPassword
  return {
    name: 'user',
    usage: `Usage: npm run user -- <create|list|delete> [options]

Manages the local accounts that sign in to the Studio served by npm start. Passwords are kept
only as salted scrypt hashes, in the data folder (users.sqlite). The server reads accounts on
every sign-in: no restart needed.

Commands:
  create --email EMAIL --role ROLE [--name NAME] [--password-stdin]
                 create an account, or give an existing one a new role, name and password.
                 ROLE: ${ROLES.join(', ')} (viewers can read but not change anything).
                 The password (${MIN_PASSWORD_LENGTH} characters or more) is asked for on the terminal,
                 or read from stdin with --password-stdin (for scripts).
  list           list accounts (id, email, role, name, created)
  delete EMAIL   delete an account and sign it out everywhere

Options:
  --data DIR     data folder (default: $AHP_DATA_DIR or ./data)
  -h, --help     show this help

Examples:
  npm run user -- create --email alex.jones@nhs.net --role editor --name "Alex Jones"
  printf '%s' "$PASSWORD" | npm run user -- create --email ci@example.org --role viewer --password-stdin

Exit codes: 0 ok, 1 runtime error, 2 usage error.
`,
    options: {
      email: {type: 'string'},
      role: {type: 'string'},
      name: {type: 'string'},
      'password-stdin': {type: 'boolean'},
      data: {type: 'string'},
    },
    async run(values, io, positionals) {
      const [action, ...rest] = positionals
      const dataDir = stringOption(values, 'data') ?? (io.env.AHP_DATA_DIR || './data')
      switch (action) {
        case 'create': {
          if (rest.length > 0) throw new UsageError('create takes no arguments: use --email and --role')
          const email = stringOption(values, 'email')
          if (!email) throw new UsageError('--email is required')
          const role = stringOption(values, 'role')
          if (!role || !(ROLES as readonly string[]).includes(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`)
          const password = await readPassword({fromStdin: values['password-stdin'] === true, io})
          const users = new UserStore(dataDir)
          try {
            const {user, created} = await users.upsert({email, name: stringOption(values, 'name'), role: role as ContentRole, password}).catch((err: unknown) => {
              throw new CliError(err instanceof Error ? err.message : String(err))
            })
            // a changed role or password signs the account out of every session
            const revoked = created ? 0 : new TokenStore(dataDir, io.env.AHP_ADMIN_TOKEN || undefined).revokeUser(user.id)
            io.stdout(`${user.id}\n`)
            io.stderr(
              `${created ? 'Created' : 'Updated'} ${user.role} account ${user.email} (${user.name})` +
                (revoked ? `; signed out of ${revoked} session${revoked === 1 ? '' : 's'}` : '') +
                '\n',
            )
          } finally {
            users.close()
          }
          return 0
        }
        case 'list': {
          if (rest.length > 0) throw new UsageError('list takes no arguments')
          const users = new UserStore(dataDir)
          try {
            for (const u of users.list()) io.stdout(`${u.id}\t${u.email}\t${u.role}\t${u.name}\t${u.createdAt}\n`)
          } finally {
            users.close()
          }
          return 0
        }
        case 'delete': {
          const [email] = rest
          if (!email || rest.length !== 1) throw new UsageError('delete needs one email address (see: npm run user -- list)')
          const users = new UserStore(dataDir)
          try {
            const user = users.byEmail(email)
            if (!user) throw new CliError(`no account with email "${email}"`)
            users.delete(user.id)
            const revoked = new TokenStore(dataDir, io.env.AHP_ADMIN_TOKEN || undefined).revokeUser(user.id)
            io.stderr(`Deleted account ${user.email}${revoked ? ` and signed it out of ${revoked} session${revoked === 1 ? '' : 's'}` : ''}\n`)
          } finally {
            users.close()
          }
          return 0
        }
        default:
          throw new UsageError(action ? `unknown command "${action}"` : 'give a command: create, list or delete')
      }
    },
  }
}

export const userCommand = createUserCommand()

if (isMainModule(import.meta.url)) runMain(userCommand)
