import {readFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import path from 'node:path'

import {describe, expect, test} from 'vitest'

import {applyPatches, externalLoads, rewriteIndexHtml, SANITY_PATCHES, unappliedPatches} from '../../studio/offline'

const require = createRequire(import.meta.url)
const sanityLib = path.join(path.dirname(require.resolve('sanity/package.json')), 'lib', 'index.js')

/** The head `sanity build` (sanity 5.31) writes, cut down to what matters here. */
const BUILT_INDEX = `<!DOCTYPE html><html lang="en"><head><link href="/static/favicon.ico" rel="icon" sizes="any"/><style>
  @font-face {
    font-family: Inter;
    font-weight: 400;
    src: url("https://studio-static.sanity.io/Inter-Regular.woff2") format("woff2");
  }
  @font-face {
    font-family: Inter;
    font-style: italic;
    font-weight: 900;
    src: url("https://studio-static.sanity.io/Inter-BlackItalic.woff2") format("woff2");
  }
</style><script src="https://core.sanity-cdn.com/bridge.js" async type="module" data-sanity-core></script>
</head><body><div id="sanity"></div><script src="/static/sanity-BzJ0Y1EO.js" type="module"></script><noscript><p>Please <a href="https://www.enable-javascript.com/">enable JavaScript</a></p></noscript></body></html>`

describe('offline index.html', () => {
  test('the built page as Sanity writes it loads a script and fonts from the internet', () => {
    expect(externalLoads(BUILT_INDEX)).toEqual([
      'https://core.sanity-cdn.com/bridge.js',
      'https://studio-static.sanity.io/Inter-BlackItalic.woff2',
      'https://studio-static.sanity.io/Inter-Regular.woff2',
    ])
  })

  test('after the rewrite it loads nothing from the internet, and names the fonts to copy', () => {
    const before = BUILT_INDEX
    const {html, fonts} = rewriteIndexHtml(BUILT_INDEX)
    expect(BUILT_INDEX).toBe(before)
    expect(externalLoads(html)).toEqual([])
    expect(fonts).toEqual(['Inter-BlackItalic.woff2', 'Inter-Regular.woff2'])
    expect(html).toContain('url("/static/fonts/Inter-Regular.woff2")')
    expect(html).not.toContain('bridge.js')
    // The app's own script and the link a reader clicks stay.
    expect(html).toContain('<script src="/static/sanity-BzJ0Y1EO.js" type="module"></script>')
    expect(html).toContain('https://www.enable-javascript.com/')
  })

  test('fonts follow the base path', () => {
    expect(rewriteIndexHtml(BUILT_INDEX, '/studio/').html).toContain('url("/studio/static/fonts/Inter-Regular.woff2")')
  })

  test('local addresses and links are not loads from the internet', () => {
    const page = `<script src="https://localhost:3333/x.js"></script><img src="https://local.localhost:3333/a.png"><a href="https://example.org/">x</a><link rel="icon" href="//cdn.example.org/i.png">`
    expect(externalLoads(page)).toEqual(['//cdn.example.org/i.png'])
  })

  test('every font the page names is in the inter-ui package', () => {
    const {fonts} = rewriteIndexHtml(BUILT_INDEX)
    const dir = path.join(path.dirname(require.resolve('inter-ui/package.json')), 'web')
    for (const font of fonts) expect(readFileSync(path.join(dir, font)).length).toBeGreaterThan(10_000)
  })
})

describe('offline patches to Sanity\'s code', () => {
  test('each applies exactly once to the installed sanity, and leaves no version lookup', () => {
    const applied = new Map<string, number>()
    const code = readFileSync(sanityLib, 'utf8')
    const patched = applyPatches(code, sanityLib, SANITY_PATCHES, applied)
    expect(unappliedPatches(SANITY_PATCHES, applied)).toEqual([])
    expect(patched).not.toBeNull()
    expect(patched).not.toContain('https://public.sanity.io/')
    expect(patched).toContain('fetchLatestAvailableVersionForPackage = async (options) => {\n  return undefined;')
  })

  test('each also applies to the code as the build hands it over (booleans spelled out)', () => {
    const applied = new Map<string, number>()
    const code = readFileSync(sanityLib, 'utf8').replace(/!1\b/g, 'false').replace(/!0\b/g, 'true')
    applyPatches(code, sanityLib, SANITY_PATCHES, applied)
    expect(unappliedPatches(SANITY_PATCHES, applied)).toEqual([])
  })

  test('other modules are left alone', () => {
    const applied = new Map<string, number>()
    const code = 'imageUrl: "https://public.sanity.io/logos/favicon-192.png"'
    expect(applyPatches(code, '/work/main/node_modules/other/lib/index.js', SANITY_PATCHES, applied)).toBeNull()
    expect(unappliedPatches(SANITY_PATCHES, applied)).toHaveLength(SANITY_PATCHES.length)
  })
})
