import {serverLog} from './log.js'

/** The one error class of the server: every refusal is an ApiError, answered by `errorResponse`. */
export class ApiError extends Error {
  override name = 'ApiError'
  constructor(
    readonly status: number,
    readonly type: string,
    readonly description: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(description)
  }
}

export const badRequest = (description: string, details?: Record<string, unknown>) =>
  new ApiError(400, 'httpBadRequest', description, details)
export const notFound = (description: string) => new ApiError(404, 'httpNotFound', description)
export const unauthorized = (description = 'Unauthorized - a valid token is required') =>
  new ApiError(401, 'httpUnauthorized', description)
export const forbidden = (description: string) => new ApiError(403, 'httpForbidden', description)

export interface MutationErrorItem {
  index: number
  error: {type: string; description: string; id?: string}
}

/** Sanity's `mutationError` envelope: the client lists `items[].error.description` in its message. */
export function mutationError(status: number, items: MutationErrorItem[]): ApiError {
  const description =
    items.length === 1 && items[0]
      ? `The mutation(s) failed: ${items[0].error.description}`
      : `Mutation(s) failed with ${items.length} error(s)`
  return new ApiError(status, 'mutationError', description, {items})
}


/** Answers any thrown value: ApiError in Sanity's `{error: {type, description}}` envelope, anything else as a plain 500, logged once. */
export function errorResponse(err: unknown, headers: HeadersInit = {}): Response {
  if (err instanceof ApiError) {
    const body = {
      error: {type: err.type, description: err.description, ...err.details},
      statusCode: err.status,
      message: err.description,
    }
    return Response.json(body, {status: err.status, headers})
  }
  serverLog().error({err}, 'unexpected error')
  return Response.json(
    {error: {type: 'internalError', description: 'Internal server error'}, statusCode: 500, message: 'Internal server error'},
    {status: 500, headers},
  )
}
