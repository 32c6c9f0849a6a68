import {readFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {dirname, join} from 'node:path'

const require = createRequire(import.meta.url)

/** nhsuk-frontend's `dist/nhsuk` folder: its templates, compiled CSS and assets. */
export const NHSUK_DIR = join(dirname(require.resolve('nhsuk-frontend/package.json')), 'dist', 'nhsuk')

/** The class names an element must have for a selector to match it, unescaped (`.nhsuk-u-width-one-half\@desktop`). */
function selectorClasses(selector: string): string[] {
  // A class under :not() is one the element must not have: the rule applies without it.
  let plain = selector
  for (let before = ''; before !== plain; ) {
    before = plain
    plain = plain.replace(/:not\((?:[^()\\]|\\.)*\)/g, '')
  }
  const classes: string[] = []
  for (const match of plain.matchAll(/\.((?:[A-Za-z0-9_-]|\\.)+)/g)) classes.push(match[1]!.replace(/\\(.)/g, '$1'))
  return classes
}

/** Splits a block's content into top-level statements: `prelude{body}` or `@rule ...;`. */
function statements(css: string): {prelude: string; body?: string}[] {
  const out: {prelude: string; body?: string}[] = []
  let start = 0
  let depth = 0
  let open = -1
  let quote = ''
  for (let index = 0; index < css.length; index++) {
    const char = css[index]!
    if (quote) {
      if (char === '\\') index++
      else if (char === quote) quote = ''
      continue
    }
    if (char === '"' || char === "'") quote = char
    else if (char === '{') {
      if (depth === 0) open = index
      depth++
    } else if (char === '}') {
      depth--
      if (depth === 0) {
        out.push({prelude: css.slice(start, open).trim(), body: css.slice(open + 1, index)})
        start = index + 1
      }
    } else if (char === ';' && depth === 0) {
      out.push({prelude: css.slice(start, index).trim()})
      start = index + 1
    }
  }
  return out
}

/** Splits a selector list at top-level commas (not those inside `:is(…)` or `:not(…)`). */
function splitSelectors(prelude: string): string[] {
  const parts: string[] = []
  let depth = 0
  let start = 0
  for (let index = 0; index < prelude.length; index++) {
    const char = prelude[index]
    if (char === '(') depth++
    else if (char === ')') depth--
    else if (char === ',' && depth === 0) {
      parts.push(prelude.slice(start, index))
      start = index + 1
    }
  }
  parts.push(prelude.slice(start))
  return parts
}

/**
 * The design system's stylesheet cut down to what the site's markup can use: a rule is kept when
 * every class its selector needs is one the site's templates or nhsuk-frontend's templates of the
 * components it uses can write (`used`, plus `prefixes` for classes those templates build, such as
 * `nhsuk-tag--` + colour). Rules for element selectors stay. Web fonts are left out: they load from
 * assets.nhs.uk, and the site makes no request elsewhere; the design system's own fallback (Arial)
 * is then used.
 */
export function pruneCss(css: string, used: ReadonlySet<string>, prefixes: readonly string[]): string {
  const keepClass = (name: string) => used.has(name) || prefixes.some((prefix) => name.startsWith(prefix))
  const walk = (block: string): string => {
    let out = ''
    for (const {prelude, body} of statements(block)) {
      if (body === undefined) {
        if (prelude.startsWith('@charset')) continue
        out += `${prelude};`
        continue
      }
      if (prelude.startsWith('@font-face')) continue
      if (prelude.startsWith('@media') || prelude.startsWith('@supports') || prelude.startsWith('@container') || prelude.startsWith('@layer')) {
        const inner = walk(body)
        if (inner !== '') out += `${prelude}{${inner}}`
        continue
      }
      if (prelude.startsWith('@')) {
        out += `${prelude}{${body}}`
        continue
      }
      const kept = splitSelectors(prelude).filter((selector) => selectorClasses(selector).every(keepClass))
      if (kept.length > 0) out += `${kept.join(',')}{${body}}`
    }
    return out
  }
  return walk(css)
}

/** Class names written in template text: `nhsuk-…` tokens, and tokens ending in `-` as prefixes. */
export function classesInTemplates(texts: readonly string[]): {used: Set<string>; prefixes: string[]} {
  const used = new Set<string>(['js-enabled', 'nhsuk-frontend-supported'])
  const prefixes = new Set<string>()
  for (const text of texts) {
    for (const match of text.matchAll(/(?<![A-Za-z0-9_-])(nhsuk-[A-Za-z0-9_@-]*|app-[A-Za-z0-9_-]+)/g)) {
      const token = match[1]!
      if (token.endsWith('-')) prefixes.add(token)
      else used.add(token)
    }
  }
  return {used, prefixes: [...prefixes].sort()}
}

export function readNhsukCss(): string {
  return readFileSync(join(NHSUK_DIR, 'nhsuk-frontend.min.css'), 'utf8')
}
