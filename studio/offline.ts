import {readFile} from 'node:fs/promises'
import {createRequire} from 'node:module'
import path from 'node:path'

import type {Plugin} from 'vite'

/**
 * Keeps the built Studio from loading anything from the internet, so it works on an air-gapped
 * NHS network. `sanity build` (sanity 5.31) otherwise adds, with auto-updates off:
 * - to index.html, Sanity's dashboard bridge script (`core.sanity-cdn.com/bridge.js`) and the
 *   Inter font from `studio-static.sanity.io`: the script is removed, the fonts are copied into
 *   the build (`static/fonts/`, from the inter-ui package) and linked from there;
 * - to the Studio's code, a version check that asks `sanity-cdn.com` for the newest Sanity on load
 *   and every 15 minutes (switched off: this build is pinned), a probe of Sanity's feedback
 *   service (`api.sanity.io/vX/intake/feedback`) on load, which decides whether the help menu
 *   offers "Give feedback" (switched off, and so is sending feedback), and the avatar of
 *   Sanity's "system" user from `public.sanity.io` (the build's own favicon instead).
 * Each change must apply exactly once: an upgrade of `sanity` that moves the code fails the build
 * here instead of quietly going back online.
 */

/** A change to Sanity's own code, applied while the build reads it. */
export interface SourcePatch {
  name: string
  /** Which modules it applies to (their resolved file path). */
  module: RegExp
  find: string
  replace: string
}

const SANITY_LIB = /[\\/]node_modules[\\/]sanity[\\/]lib[\\/]index\.js$/

export const SANITY_PATCHES: readonly SourcePatch[] = [
  {
    name: 'no auto-update version lookup',
    module: SANITY_LIB,
    find: 'const fetchLatestAutoUpdatingVersion = async (options) => {',
    replace: 'const fetchLatestAutoUpdatingVersion = async (options) => {\n  return undefined;',
  },
  {
    name: 'no latest-version lookup',
    module: SANITY_LIB,
    find: 'fetchLatestAvailableVersionForPackage = async (options) => {',
    replace: 'fetchLatestAvailableVersionForPackage = async (options) => {\n  return undefined;',
  },
  {
    name: 'no feedback probe on load',
    module: SANITY_LIB,
    // In useFeedbackAvailable: always take the "skip" branch (not available, no request). The
    // build has rewritten `!1` to `false` by the time this runs: anchor on no such token.
    find: 'if (skip2) {',
    replace: 'if (skip2 || true) {',
  },
  {
    name: 'no feedback sent to Sanity',
    module: SANITY_LIB,
    find: 'async function sendFeedbackToSentry(payload) {',
    replace: 'async function sendFeedbackToSentry(payload) {\n  throw new Error("Feedback to Sanity is switched off: this Studio works offline");',
  },
  {
    name: 'system user avatar from the build',
    module: SANITY_LIB,
    find: 'imageUrl: "https://public.sanity.io/logos/favicon-192.png"',
    replace: 'imageUrl: "/static/favicon-192.png"',
  },
]

/** Applies the patches meant for `id`; records which applied. Returns null when none did. */
export function applyPatches(code: string, id: string, patches: readonly SourcePatch[], applied: Map<string, number>): string | null {
  let result = code
  let changed = false
  for (const patch of patches) {
    if (!patch.module.test(id)) continue
    const count = result.split(patch.find).length - 1
    if (count === 0) continue
    result = result.split(patch.find).join(patch.replace)
    applied.set(patch.name, (applied.get(patch.name) ?? 0) + count)
    changed = true
  }
  return changed ? result : null
}

/** Names of patches that did not apply exactly once. */
export function unappliedPatches(patches: readonly SourcePatch[], applied: Map<string, number>): string[] {
  return patches.filter((patch) => applied.get(patch.name) !== 1).map((patch) => `${patch.name} (applied ${applied.get(patch.name) ?? 0} times)`)
}

const FONT_URL = /https:\/\/studio-static\.sanity\.io\/(Inter-[A-Za-z]+\.woff2)/g
const BRIDGE_SCRIPT = /<script\b[^>]*\bsrc="https:\/\/core\.sanity-cdn\.(?:com|work)\/bridge\.js"[^>]*><\/script>\n?/g

/** Where the fonts go in the build, under the Studio's base path. */
export const FONT_DIR = 'static/fonts'

/**
 * Rewrites the built index.html: no bridge script, fonts from the build. Returns the page and
 * the font files it now links (to copy into the build).
 */
export function rewriteIndexHtml(html: string, basePath = '/'): {html: string; fonts: string[]} {
  const fonts = new Set<string>()
  const prefix = `${basePath.replace(/\/+$/, '')}/${FONT_DIR}/`
  const rewritten = html.replace(BRIDGE_SCRIPT, '').replace(FONT_URL, (_match, file: string) => {
    fonts.add(file)
    return `${prefix}${file}`
  })
  return {html: rewritten, fonts: [...fonts].sort()}
}

/**
 * The addresses outside this machine that a page would load by itself: scripts, style sheets,
 * icons, fonts and images (`src=`, `<link href=`, CSS `url()`, `import`). Links a reader clicks
 * (`<a href>`) are not loads.
 */
export function externalLoads(html: string): string[] {
  const found = new Set<string>()
  const patterns = [
    /<(?:script|img|iframe|source|video|audio|embed)\b[^>]*\bsrc=["']([^"']+)["']/gi,
    /<link\b[^>]*\bhref=["']([^"']+)["']/gi,
    /url\(\s*["']?([^"')\s]+)["']?\s*\)/gi,
    /@import\s+["']([^"']+)["']/gi,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/gi,
  ]
  for (const pattern of patterns) {
    for (const match of html.matchAll(pattern)) {
      const url = match[1] ?? ''
      if (/^(?:https?:)?\/\//i.test(url) && !isLocalUrl(url)) found.add(url)
    }
  }
  return [...found].sort()
}

function isLocalUrl(url: string): boolean {
  try {
    const {hostname} = new URL(url, 'https://localhost')
    return hostname === 'localhost' || hostname.endsWith('.localhost') || hostname === '127.0.0.1' || hostname === '[::1]'
  } catch {
    return false
  }
}

/** The folder of inter-ui's web fonts (the same files, by name, as Sanity's font host). */
function interFontDir(): string {
  const require = createRequire(import.meta.url)
  return path.join(path.dirname(require.resolve('inter-ui/package.json')), 'web')
}

/** The Vite plugin `sanity.cli.ts` adds to `sanity build`. */
export function offlineStudio(options: {basePath?: string} = {}): Plugin {
  const applied = new Map<string, number>()
  return {
    name: 'ahp:offline-studio',
    apply: 'build',
    enforce: 'post',
    buildStart() {
      applied.clear()
    },
    transform(code, id) {
      const patched = applyPatches(code, id, SANITY_PATCHES, applied)
      return patched === null ? null : {code: patched, map: null}
    },
    async generateBundle(_options, bundle) {
      const missing = unappliedPatches(SANITY_PATCHES, applied)
      if (missing.length > 0) {
        this.error(`The Studio would load code from the internet: Sanity's code changed, so these offline patches no longer apply: ${missing.join('; ')}. Update studio/offline.ts.`)
      }
      const index = bundle['index.html']
      if (!index || index.type !== 'asset' || typeof index.source !== 'string') {
        this.error('The Studio build has no index.html to make offline')
      }
      const {html, fonts} = rewriteIndexHtml(index.source, options.basePath)
      const external = externalLoads(html)
      if (external.length > 0) {
        this.error(`The Studio's index.html would still load from the internet: ${external.join(', ')}. Update studio/offline.ts.`)
      }
      index.source = html
      const dir = interFontDir()
      for (const font of fonts) {
        this.emitFile({type: 'asset', fileName: `${FONT_DIR}/${font}`, source: await readFile(path.join(dir, font))})
      }
    },
  }
}
