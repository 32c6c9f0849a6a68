import {fileURLToPath} from 'node:url'

const ENTRY = fileURLToPath(new URL('./client/preview.ts', import.meta.url))

let bundled: Promise<string> | undefined

/**
 * The script preview pages load (site/client/preview.ts with @sanity/comlink), bundled once per
 * process with esbuild (which tsx, the project's runner, brings). Public pages load no script.
 */
export function previewClientScript(): Promise<string> {
  bundled ??= import('esbuild').then(async ({build}) => {
    const result = await build({entryPoints: [ENTRY], bundle: true, format: 'esm', platform: 'browser', target: 'es2022', minify: true, write: false, logLevel: 'silent'})
    return `// Generated from site/client/preview.ts: live updates and Presentation for preview pages.\n${result.outputFiles[0]!.text}`
  })
  return bundled
}
