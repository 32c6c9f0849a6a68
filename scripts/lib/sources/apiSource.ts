import {createClient, type SanityClient} from '@sanity/client'

import type {ContentSource, LoadProblem, Perspective} from './types'

export const API_VERSION = '2025-02-19'

export interface ApiSourceOptions {
  /** `https://localhost:3333` for the local server; omitted for a hosted project. */
  apiHost?: string
  projectId: string
  dataset: string
  token?: string
}

/** Sanity's HTTP API through @sanity/client: the local server or a hosted project. */
export class ApiSource implements ContentSource {
  readonly description: string
  readonly client: SanityClient

  constructor(options: ApiSourceOptions) {
    this.client = createClient({
      projectId: options.projectId,
      dataset: options.dataset,
      apiVersion: API_VERSION,
      useCdn: false,
      token: options.token,
      ...(options.apiHost ? {apiHost: options.apiHost, useProjectHostname: false} : {}),
    })
    this.description = `${options.apiHost ?? `project ${options.projectId}`} (dataset ${options.dataset})`
  }

  fetch<Result = unknown>(query: string, params: Record<string, unknown> = {}, options: {perspective?: Perspective} = {}): Promise<Result> {
    return this.client.fetch<Result>(query, params, {perspective: options.perspective ?? 'raw'})
  }

  async loadProblems(): Promise<LoadProblem[]> {
    return []
  }
}
