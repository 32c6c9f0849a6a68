import type {WorkspaceOptions} from 'sanity'
import {afterEach, describe, expect, test, vi} from 'vitest'

async function loadConfig(env: Record<string, string>): Promise<WorkspaceOptions[]> {
  vi.resetModules()
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value)
  const config = (await import('../../sanity.config')).default
  return (Array.isArray(config) ? config : [config]) as WorkspaceOptions[]
}

afterEach(() => {
  vi.unstubAllEnvs()
})

describe('sanity.config.ts', () => {
  test('one workspace, local, first (so / opens it), signing in with a token through the local server', async () => {
    const workspaces = await loadConfig({SANITY_STUDIO_PROJECT_ID: '', SANITY_STUDIO_API_HOST: ''})
    expect(workspaces.map((w) => [w.name, w.basePath, w.projectId, w.dataset])).toEqual([['local', '/local', 'local', 'production']])
    const [local] = workspaces
    expect(local?.apiHost).toBe('https://localhost:3333')
    expect(local?.auth).toMatchObject({loginMethod: 'token', apiHost: 'https://localhost:3333'})
    expect(local?.releases).toEqual({enabled: true})
  })

  test('a hosted workspace when SANITY_STUDIO_PROJECT_ID is set, on Sanity\'s own API', async () => {
    const workspaces = await loadConfig({SANITY_STUDIO_PROJECT_ID: 'abc123', SANITY_STUDIO_DATASET: 'staging'})
    expect(workspaces.map((w) => w.name)).toEqual(['local', 'hosted'])
    const hosted = workspaces[1]
    expect(hosted).toMatchObject({basePath: '/hosted', projectId: 'abc123', dataset: 'staging'})
    expect(hosted?.apiHost).toBeUndefined()
    expect(hosted?.auth).toBeUndefined()
  })

  test('sanity dev points the local workspace at the server with SANITY_STUDIO_API_HOST', async () => {
    const [local] = await loadConfig({SANITY_STUDIO_API_HOST: 'https://localhost:4444'})
    expect(local?.apiHost).toBe('https://localhost:4444')
  })
})
