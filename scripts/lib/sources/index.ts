import {resolve} from 'node:path'

import {UsageError} from '../errors'
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
export function resolveSource({source, dataset, env = process.env}: SourceArgs): ContentSource {
  if (source === undefined || source === '') {
    if (env.SANITY_PROJECT_ID) {
      return ApiSource.hosted({projectId: env.SANITY_PROJECT_ID, dataset: dataset ?? env.SANITY_DATASET ?? 'production', token: env.SANITY_API_TOKEN})
    }
    return new FileSource(resolve(SEED_PATH))
  }
  if (/^https?:\/\//.test(source)) {
    let url: URL
    try {
      url = new URL(source)
    } catch {
      throw new UsageError(`--source "${source}" is not a valid URL: use https://HOST[:PORT]`)
    }
    if (url.protocol !== 'https:') throw new UsageError(`--source "${source}" must use https://: the API is only served over TLS`)
    return ApiSource.at({apiHost: url.origin, dataset: dataset ?? 'production', dataDir: resolve(env.AHP_DATA_DIR ?? 'data'), env})
  }
  const path = source.startsWith('file:') ? source.slice('file:'.length) : source
  if (path === '') throw new UsageError('--source file: needs a path, such as file:content/dataset.ndjson')
  return new FileSource(resolve(path))
}
