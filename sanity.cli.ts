import {defineCliConfig} from 'sanity/cli'

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
})
