import {createClient, type SanityClient} from '@sanity/client'
import {createWorkspaceFromConfig, type Workspace} from 'sanity'

import {schemaTypes} from '../schemas'
import {LOCAL_DATASET, LOCAL_PROJECT_ID} from '../studio/project'
import {ApiSource, type ContentSource} from '../sources'

/**
 * A client for the schema's own async rules (the slug type's uniqueness check queries through
 * `getClient`). Against an API it is the real client; against a file, a client whose `fetch`
 * the file source answers with groq-js, so no rule waits on a dead connection.
 */
export function clientForRules(source: ContentSource): SanityClient {
  if (source instanceof ApiSource) return source.client
  const client = createClient({
    projectId: LOCAL_PROJECT_ID,
    dataset: LOCAL_DATASET,
    apiVersion: '2025-02-19',
    apiHost: 'https://offline.invalid',
    useProjectHostname: false,
    useCdn: false,
  })
  const offline = Object.assign(client, {
    fetch: (query: string, params?: Record<string, unknown>) => source.fetch(query, params ?? {}),
    withConfig: () => offline,
  })
  return offline as SanityClient
}

/**
 * The Studio's workspace, built in Node so `validateDocument` applies exactly the rules the
 * Studio shows editors. `currentUser` and `getClient` stop it from calling any API.
 */
export async function createValidationWorkspace(client: SanityClient): Promise<Workspace> {
  return createWorkspaceFromConfig({
    name: 'content-validate',
    projectId: LOCAL_PROJECT_ID,
    dataset: LOCAL_DATASET,
    schema: {types: schemaTypes},
    currentUser: {id: 'content-validate', name: 'content:validate', email: 'content-validate@localhost', role: 'administrator', roles: []},
    getClient: () => client,
  })
}
