import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {createClient, requester as baseRequester, type SanityClient} from '@sanity/client'

/**
 * A @sanity/client for this server from a script: the local CA from `<data>/tls/ca.pem` is handed
 * to every request (get-it keeps its own agent, so NODE_EXTRA_CA_CERTS set at run time is too late).
 */
export interface LocalClientOptions {
  url: string
  dataset: string
  token?: string | undefined
  dataDir: string
  apiVersion?: string
}

export function localToken(dataDir: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.AHP_TOKEN) return env.AHP_TOKEN
  if (env.AHP_ADMIN_TOKEN) return env.AHP_ADMIN_TOKEN
  const file = join(dataDir, 'admin-token')
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined
}

export function createLocalClient(options: LocalClientOptions): SanityClient {
  const caPath = join(options.dataDir, 'tls', 'ca.pem')
  const ca = existsSync(caPath) ? readFileSync(caPath, 'utf8') : undefined
  const requester = ca ? baseRequester.clone().use({finalizeOptions: <T extends object>(opts: T): T => ({...opts, ca})}) : undefined
  return createClient({
    projectId: 'local',
    dataset: options.dataset,
    apiHost: options.url,
    useProjectHostname: false,
    apiVersion: options.apiVersion ?? '2025-02-19',
    useCdn: false,
    token: options.token,
    ...(requester ? {requester} : {}),
  })
}
