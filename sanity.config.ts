import {visionTool} from '@sanity/vision'
import {defineConfig, type WorkspaceOptions} from 'sanity'
import {structureTool} from 'sanity/structure'

import {schemaTypes} from './schemas'
import {actionsFor} from './studio/actions'
import {localApiHost, pageLocation} from './studio/apiHost'
import {badgesFor} from './studio/badges'
import {studioEnv} from './studio/env'
import {sitePresentationTool} from './studio/presentation'
import {LOCAL_DATASET, LOCAL_PROJECT_ID} from './studio/project'
import {structure} from './studio/structure'
import {structureStrings} from './studio/i18n'
import {globalNewDocumentOptions, templates} from './studio/templates'
import {toolsFor} from './studio/tools'

/**
 * Two workspaces from one build:
 * - `local` (first, so `/` opens it): the local server, whose address comes from the page's own
 *   at run time, so one build serves any port (studio/apiHost.ts). Editors sign in with a local
 *   account through the server's login flow (studio/AUTH.md).
 * - `hosted`: a Sanity project, when `SANITY_STUDIO_PROJECT_ID` was set at build time.
 *
 * `SANITY_STUDIO_*` settings are baked in when the Studio is built (`npm run studio:build`).
 */
const apiHostOverride = studioEnv(() => process.env.SANITY_STUDIO_API_HOST)
const hostedProjectId = studioEnv(() => process.env.SANITY_STUDIO_PROJECT_ID)
const hostedDataset = studioEnv(() => process.env.SANITY_STUDIO_DATASET) ?? 'production'

const shared = {
  schema: {types: schemaTypes, templates},
  plugins: [
    structureTool({name: 'content', title: 'Content', structure}),
    visionTool({name: 'vision', title: 'GROQ', defaultApiVersion: '2025-02-19'}),
    // The public website beside the editor, showing drafts and releases (studio/presentation.ts).
    sitePresentationTool(),
  ],
  tools: (previous, {currentUser}) => toolsFor(previous, currentUser),
  i18n: {bundles: [structureStrings]},
  document: {
    badges: (previous, {schemaType}) => [...previous, ...badgesFor(schemaType)],
    actions: (previous, {documentId}) => actionsFor(previous, documentId),
    newDocumentOptions: (previous, {creationContext}) => globalNewDocumentOptions(previous, creationContext.type),
  },
  // Content Releases schedule strategy chapters (the server answers `/features` with
  // `contentReleases`). Sanity's paid add-ons that need its cloud stay off: tasks and Canvas.
  releases: {enabled: true},
  tasks: {enabled: false},
  apps: {canvas: {enabled: false}},
  announcements: {enabled: false},
  scheduledPublishing: {enabled: false},
} satisfies Partial<WorkspaceOptions>

const localApi = localApiHost(pageLocation(), apiHostOverride)

const workspaces: WorkspaceOptions[] = [
  {
    ...shared,
    name: 'local',
    title: 'AHP Content Hub',
    subtitle: 'This machine',
    basePath: '/local',
    projectId: LOCAL_PROJECT_ID,
    dataset: LOCAL_DATASET,
    apiHost: localApi,
    // Comments live in an add-on dataset that only Sanity's cloud creates.
    document: {...shared.document, comments: {enabled: false}},
    // Token sign-in (no cookies): the server's `/auth/providers` names its sign-in page, where
    // the Studio sends the editor straight away; it sends them back with `#sid=`, which the
    // Studio swaps at `/auth/fetch` for a token it keeps in localStorage (studio/AUTH.md).
    auth: {loginMethod: 'token', apiHost: localApi, redirectOnSingle: true},
  },
]

if (hostedProjectId) {
  workspaces.push({
    ...shared,
    name: 'hosted',
    title: 'AHP Content Hub',
    subtitle: `Sanity project ${hostedProjectId}`,
    basePath: '/hosted',
    projectId: hostedProjectId,
    dataset: hostedDataset,
  })
}

export default defineConfig(workspaces)
