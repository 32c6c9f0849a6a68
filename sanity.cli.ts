import {defineCliConfig} from 'sanity/cli'

import {offlineStudio} from './studio/offline'

/**
 * CLI settings. TypeGen's settings live in scripts/typegen.ts rather than here: it generates
 * into a temp folder (to check freshness without touching committed files), which needs
 * `--config-path`, and the CLI ignores that flag when this file has a `typegen` block.
 */
export default defineCliConfig({
  api: {
    projectId: process.env.SANITY_STUDIO_PROJECT_ID ?? 'local',
    dataset: process.env.SANITY_STUDIO_DATASET ?? 'production',
  },
  // The built Studio carries its own copy of Sanity: with auto-updates on, it would load
  // `sanity` and `@sanity/vision` from sanity-cdn.com at run time, which an air-gapped NHS
  // network cannot reach. studio/offline.ts removes what `sanity build` still adds from the
  // internet (a script, the fonts, a version check).
  deployment: {autoUpdates: false},
  vite: (config) => ({...config, plugins: [...(config.plugins ?? []), offlineStudio()]}),
  // `sanity dev` (npm run studio:dev) next to the local server on 3333.
  server: {hostname: 'localhost', port: 3334},
})
