import {ApiError, badRequest} from '../errors.js'

/**
 * Request bodies, bounded while they stream: a body is refused (413) as soon as it passes its
 * limit, never after it has been held in memory whole, and a body that trickles in slower than
 * its deadline is refused (408) so a slow client cannot hold a request open.
 */

export const MiB = 1024 * 1024
/** deepest JSON nesting accepted: Portable Text nests a few levels; 100,000 levels overflowed the stack */
export const MAX_JSON_DEPTH = 200
/** how long a body may take to arrive */
export const BODY_DEADLINE_MS = 60_000

export const payloadTooLarge = (limit: number) =>
  new ApiError(413, 'httpPayloadTooLarge', `Request body exceeds the limit of ${limit} bytes`)

export async function readBody(request: Request, limit: number, deadlineMs = BODY_DEADLINE_MS): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length') ?? '0')
  if (declared > limit) throw payloadTooLarge(limit)
  if (!request.body) return new Uint8Array()
  const chunks: Uint8Array[] = []
  let total = 0
  const reader = request.body.getReader()
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ApiError(408, 'httpRequestTimeout', `The request body did not arrive within ${deadlineMs / 1000} s`)), deadlineMs)
    timer.unref()
  })
  try {
    for (;;) {
      const {done, value} = await Promise.race([reader.read(), deadline])
      if (done) break
      total += value.byteLength
      if (total > limit) throw payloadTooLarge(limit)
      chunks.push(value)
    }
  } catch (err) {
    await reader.cancel().catch(() => {})
    if (err instanceof ApiError) throw err
    throw badRequest('The request body could not be read')
  } finally {
    clearTimeout(timer)
  }
  return Buffer.concat(chunks)
}

/** The deepest nesting of arrays and objects in JSON text, stopping as soon as it passes `max`. */
export function jsonDepthExceeds(text: string, max: number): boolean {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 92 /* \ */) i++
      else if (c === 34 /* " */) inString = false
    } else if (c === 34) inString = true
    else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > max) return true
    } else if (c === 93 /* ] */ || c === 125 /* } */) depth--
  }
  return false
}

/** Parses JSON from a client: malformed or too deeply nested JSON is a 400 that says which. */
export function parseClientJson(text: string, what = 'request body'): unknown {
  if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) throw badRequest(`The ${what} nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels`)
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw badRequest(`Malformed JSON in ${what}`)
  }
}

export async function readJson(request: Request, limit: number): Promise<unknown> {
  const bytes = await readBody(request, limit)
  if (bytes.byteLength === 0) return {}
  return parseClientJson(Buffer.from(bytes).toString('utf8'))
}

export async function readText(request: Request, limit: number): Promise<string> {
  return Buffer.from(await readBody(request, limit)).toString('utf8')
}
