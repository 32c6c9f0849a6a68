import {resolve} from 'node:path'

import {UsageError} from './errors'
import {ApiSource} from './apiSource'
import {FileSource} from './fileSource'
import type {ContentSource} from './types'

export {ApiSource, API_VERSION} from './apiSource'
export {FileSource, parseNdjson} from './fileSource'
export {applyPerspective, isDraftId, isVersionId, publishedIdOf} from './perspective'
export type {ContentSource, LoadProblem, Perspective, StoredDocument} from './types'

export const SEED_PATH = 'content/dataset.ndjson'

export interface SourceArgs {
  source?: string
  dataset?: string
  env?: NodeJS.ProcessEnv
}

/**
 * `--source file:PATH` or a bare path reads NDJSON; `--source https://HOST` talks to a Sanity API
 * (the local server) with `--dataset` and a token from SANITY_API_TOKEN, AHP_TOKEN or the data
 * folder; with no `--source` but SANITY_PROJECT_ID set, a hosted project (SANITY_DATASET,
 * SANITY_API_TOKEN); otherwise the seed file.
 */
/**
 * An API source: a server at an https URL (the local server: CA and token from the data folder),
 * or, with no URL, the hosted project in SANITY_PROJECT_ID.
 */
export function resolveApiSource({url, dataset, env}: {url?: string; dataset: string; env: NodeJS.ProcessEnv}): ApiSource {
  if (url === undefined || url === '') {
    if (!env.SANITY_PROJECT_ID) throw new UsageError('give --source https://HOST, or set SANITY_PROJECT_ID for a hosted project')
    return ApiSource.hosted({projectId: env.SANITY_PROJECT_ID, dataset, token: env.SANITY_API_TOKEN})
  }
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new UsageError(`--source "${url}" is not a valid URL: use https://HOST[:PORT]`)
  }
  if (parsed.protocol !== 'https:') throw new UsageError(`--source "${url}" must use https://: the API is only served over TLS`)
  return ApiSource.at({apiHost: parsed.origin, dataset, dataDir: resolve(env.AHP_DATA_DIR || 'data'), env})
}

export function resolveSource({source, dataset, env = process.env}: SourceArgs): ContentSource {
  if (source === undefined || source === '') {
    if (env.SANITY_PROJECT_ID) return resolveApiSource({dataset: dataset ?? env.SANITY_DATASET ?? 'production', env})
    return new FileSource(resolve(SEED_PATH))
  }
  if (/^https?:\/\//.test(source)) return resolveApiSource({url: source, dataset: dataset ?? 'production', env})
  const path = source.startsWith('file:') ? source.slice('file:'.length) : source
  if (path === '') throw new UsageError('--source file: needs a path, such as file:content/dataset.ndjson')
  return new FileSource(resolve(path))
}
