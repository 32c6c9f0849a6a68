/**
 * One error class for the CLI. `exitCode` follows STYLE.md: 1 for content or runtime errors,
 * 2 for usage errors. Only `runMain` turns it into a process exit.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message)
    this.name = 'CliError'
  }
}

export class UsageError extends CliError {
  constructor(message: string) {
    super(message, 2)
    this.name = 'UsageError'
  }
}
