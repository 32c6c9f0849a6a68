import {defineCliConfig} from 'sanity/cli'

/**
 * CLI settings. TypeGen reads the extracted schema and the `defineQuery` constants in queries/,
 * and writes result types next to them (committed; `npm test` fails when they are stale).
 */
export default defineCliConfig({
  api: {
    projectId: process.env.SANITY_STUDIO_PROJECT_ID ?? 'local',
    dataset: process.env.SANITY_STUDIO_DATASET ?? 'production',
  },
  typegen: {
    path: './queries/**/*.ts',
    schema: './schema.json',
    generates: './sanity.types.ts',
    overloadClientMethods: true,
  },
})
