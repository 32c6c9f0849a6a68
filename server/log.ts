import {pino, type DestinationStream, type Logger} from 'pino'
import type {RequestEvent} from './handler.js'

/**
 * The server's one log stream: JSON lines through pino on stderr (journald keeps them under
 * systemd). One line per answered request (time, request id, method, route template, status,
 * duration, role, user id, client address: never a token, a password, a cookie or a body), and
 * start, stop, scheduler, TLS and backup events. `AHP_LOG_LEVEL`: fatal, error, warn, info
 * (default), debug, trace or silent.
 */

export type {Logger}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

export function parseLogLevel(value: string | undefined, name = 'AHP_LOG_LEVEL'): LogLevel | undefined {
  if (value === undefined || value === '') return undefined
  const level = value.trim().toLowerCase()
  if (!(LOG_LEVELS as readonly string[]).includes(level)) throw new Error(`${name} must be one of ${LOG_LEVELS.join(', ')}, got "${value}"`)
  return level as LogLevel
}

/** Anything that could carry a secret is removed wherever it appears in a logged object. */
const REDACT = ['token', 'password', 'authorization', 'cookie', 'headers.authorization', 'headers.cookie', '*.token', '*.password', '*.authorization', '*.cookie']

export function createLogger(level: LogLevel = 'info', destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: {name: 'ahp-server'},
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {paths: REDACT, remove: true},
      formatters: {level: (label) => ({level: label})},
    },
    destination ?? pino.destination({dest: 2, sync: true}),
  )
}

let current: Logger | undefined

/** The logger of the running server (the last one started), for modules without one of their own (errors.ts). */
export function serverLog(): Logger {
  current ??= createLogger(parseLogLevel(process.env.AHP_LOG_LEVEL) ?? 'info')
  return current
}

export function setServerLog(logger: Logger): void {
  current = logger
}

/** One line per answered request; 5xx at error level, 4xx at info, the rest at info too. */
export function logRequest(logger: Logger, event: RequestEvent): void {
  const line = {
    reqId: event.requestId,
    method: event.method,
    route: event.route ?? null,
    status: event.status,
    durationMs: Math.round(event.durationMs * 100) / 100,
    role: event.role ?? null,
    userId: event.userId ?? null,
    client: event.clientAddress,
  }
  if (event.status >= 500) logger.error(line, 'request')
  else logger.info(line, 'request')
}
