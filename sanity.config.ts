import {visionTool} from '@sanity/vision'
import {defineConfig, type WorkspaceOptions} from 'sanity'
import {structureTool} from 'sanity/structure'

import {schemaTypes} from './schemas'
import {LOCAL_DATASET, LOCAL_PROJECT_ID} from './studio/project'

/**
 * The Studio's config is baked in at build time, so the local API host is worked out in the
 * browser from the page's own origin: one build serves any port. Outside a browser (the CLI,
 * tests) it falls back to AHP_API_HOST or the default port.
 */
function localApiHost(): string {
  if (typeof window !== 'undefined' && window.location?.port) {
    return `https://localhost:${window.location.port}`
  }
  return process.env.AHP_API_HOST ?? 'https://localhost:3333'
}

const shared = {
  schema: {types: schemaTypes},
  plugins: [structureTool(), visionTool({defaultApiVersion: '2025-02-19'})],
} satisfies Partial<WorkspaceOptions>

const workspaces: WorkspaceOptions[] = [
  {
    ...shared,
    name: 'local',
    title: 'AHP Content Hub (this machine)',
    basePath: '/local',
    projectId: LOCAL_PROJECT_ID,
    dataset: LOCAL_DATASET,
    apiHost: localApiHost(),
  },
]

const hostedProjectId = process.env.SANITY_STUDIO_PROJECT_ID
if (hostedProjectId) {
  workspaces.push({
    ...shared,
    name: 'hosted',
    title: 'AHP Content Hub (Sanity hosted)',
    basePath: '/hosted',
    projectId: hostedProjectId,
    dataset: process.env.SANITY_STUDIO_DATASET ?? 'production',
  })
}

export default defineConfig(workspaces)
