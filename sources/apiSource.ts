import {createClient, type SanityClient} from '@sanity/client'

import {createLocalClient, localToken} from '../server/client'
import type {ContentSource, LoadProblem, Perspective} from './types'

export const API_VERSION = '2025-02-19'

/** Sanity's HTTP API through @sanity/client: the local server or a hosted project. */
export class ApiSource implements ContentSource {
  constructor(
    readonly client: SanityClient,
    readonly description: string,
  ) {}

  /** A hosted Sanity project. */
  static hosted(options: {projectId: string; dataset: string; token?: string}): ApiSource {
    const client = createClient({projectId: options.projectId, dataset: options.dataset, token: options.token, apiVersion: API_VERSION, useCdn: false})
    return new ApiSource(client, `project ${options.projectId} (dataset ${options.dataset})`)
  }

  /**
   * A server at an https URL, such as the local server. Its CA and admin token are read from the
   * data folder (AHP_DATA_DIR, default ./data) when present, so no browser-style trust step is
   * needed on the machine that runs it.
   */
  static at(options: {apiHost: string; dataset: string; dataDir: string; env: NodeJS.ProcessEnv}): ApiSource {
    // An empty variable counts as unset, as shells and CI systems often export them empty.
    const token = options.env.SANITY_API_TOKEN || localToken(options.dataDir, options.env)
    const client = createLocalClient({url: options.apiHost, dataset: options.dataset, token, dataDir: options.dataDir, apiVersion: API_VERSION})
    return new ApiSource(client, `${options.apiHost} (dataset ${options.dataset})`)
  }

  fetch<Result = unknown>(query: string, params: Record<string, unknown> = {}, options: {perspective?: Perspective} = {}): Promise<Result> {
    return this.client.fetch<Result>(query, params, {perspective: options.perspective ?? 'raw'})
  }

  async loadProblems(): Promise<LoadProblem[]> {
    return []
  }
}
