import {parseArgs, type ParseArgsConfig} from 'node:util'

import {CliError, UsageError} from './errors'

type Options = NonNullable<ParseArgsConfig['options']>

/**
 * Commands are data: a name, a usage text, the options node:util's parseArgs understands, and
 * a `run` that returns an exit code. Only `runMain` exits the process.
 */
export interface Command<O extends Options> {
  name: string
  usage: string
  options: O
  allowPositionals?: boolean
  run: (args: {values: Record<string, string | boolean | (string | boolean)[] | undefined>; positionals: string[]}) => Promise<number>
}

export function defineCommand<O extends Options>(command: Command<O>): Command<O> {
  return command
}

/** Parse argv for a command; `--help` prints usage. Returns the exit code. */
export async function runCommand<O extends Options>(command: Command<O>, argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>
  try {
    parsed = parseArgs({
      args: argv,
      options: {...command.options, help: {type: 'boolean', short: 'h'}},
      allowPositionals: command.allowPositionals ?? false,
      strict: true,
    })
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${command.usage}`)
  }
  if (parsed.values.help) {
    process.stdout.write(`${command.usage.trim()}\n`)
    return 0
  }
  return command.run({values: parsed.values, positionals: parsed.positionals})
}

/** Run a command as the process: errors become messages on stderr and exit codes (0 ok, 1 content or runtime, 2 usage). */
export function runMain<O extends Options>(command: Command<O>, argv: string[] = process.argv.slice(2)): void {
  runCommand(command, argv).then(
    (code) => {
      process.exitCode = code
    },
    (error: unknown) => {
      if (error instanceof CliError) {
        process.stderr.write(`${command.name}: ${error.message}\n`)
        process.exitCode = error.exitCode
      } else {
        process.stderr.write(`${command.name}: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
        process.exitCode = 1
      }
    },
  )
}

/** Narrow an option value to one of a list, or fail with a usage error naming the choices. */
export function oneOf<T extends string>(name: string, value: unknown, choices: readonly T[], fallback: T): T {
  if (value === undefined) return fallback
  if (typeof value === 'string' && (choices as readonly string[]).includes(value)) return value as T
  throw new UsageError(`--${name} must be one of ${choices.join(', ')} (got "${String(value)}")`)
}

export function stringOption(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined
}
