import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import nunjucks from 'nunjucks'

import {classesInTemplates, NHSUK_DIR, pruneCss, readNhsukCss} from './css'
import type {Page} from './pages'
import {SECTIONS} from './pages'

export const TEMPLATES_DIR = fileURLToPath(new URL('./templates', import.meta.url))

/** The nhsuk-frontend components the site's templates import: their templates decide the CSS kept. */
const NHSUK_COMPONENTS = ['skip-link', 'header', 'footer', 'breadcrumb', 'back-link', 'card', 'summary-list', 'tag', 'inset-text', 'images', 'pagination']

/** Where a page is being shown: the public site, or an editor's preview (with what it shows). */
export interface RenderMode {
  preview?: {perspective: string; studioOrigin?: string; dataset: string; projectId: string}
}

export class SiteRenderer {
  private readonly env: nunjucks.Environment
  /**
   * The stylesheet for pages rendered live: the design system's CSS cut down to what the templates
   * can use.
   */
  readonly css: string

  constructor() {
    // nhsuk-frontend's own macros resolve as "nhsuk/components/…" from its dist folder.
    this.env = new nunjucks.Environment(new nunjucks.FileSystemLoader([TEMPLATES_DIR, join(NHSUK_DIR, '..')], {noCache: false}), {
      autoescape: true,
      throwOnUndefined: false,
      trimBlocks: true,
      lstripBlocks: true,
    })
    this.env.addFilter('date', formatDate)
    this.env.addGlobal('sections', SECTIONS)
    // Rendered once, not per page: the header and footer never change (a third of a page's time).
    this.env.addGlobal('chromeHeader', this.env.render('chrome-header.njk'))
    this.env.addGlobal('chromeFooter', this.env.render('chrome-footer.njk'))
    const texts = [
      ...readdirSync(TEMPLATES_DIR).map((name) => readFileSync(join(TEMPLATES_DIR, name), 'utf8')),
      readFileSync(fileURLToPath(new URL('./portableText.ts', import.meta.url)), 'utf8'),
      readFileSync(join(NHSUK_DIR, 'template.njk'), 'utf8'),
      ...NHSUK_COMPONENTS.flatMap((name) => templatesUnder(join(NHSUK_DIR, 'components', name)).map((file) => readFileSync(file, 'utf8'))),
    ]
    const {used, prefixes} = classesInTemplates(texts)
    this.fullCss = readNhsukCss()
    this.css = pruneCss(this.fullCss, used, prefixes)
  }

  private readonly fullCss: string

  /** The stylesheet cut to exactly the classes of pages already rendered (what a static build uses). */
  cssFor(classes: ReadonlySet<string>): string {
    return pruneCss(this.fullCss, new Set([...classes, 'js-enabled', 'nhsuk-frontend-supported']), [])
  }

  render(page: Page, mode: RenderMode = {}): string {
    return this.env.render(page.template, {
      ...page.data,
      pageTitle: page.title,
      breadcrumbs: page.breadcrumbs,
      document: page.document,
      preview: mode.preview,
      cssHref: '/assets/site.css',
    })
  }

  renderNotFound(mode: RenderMode = {}): string {
    return this.env.render('404.njk', {pageTitle: 'Page not found', breadcrumbs: [], preview: mode.preview, cssHref: '/assets/site.css'})
  }
}

/** Every `.njk` file under `dir`: a component's template and its parts (a summary list's row). */
function templatesUnder(dir: string): string[] {
  return readdirSync(dir, {recursive: true, encoding: 'utf8'})
    .filter((name) => name.endsWith('.njk'))
    .sort()
    .map((name) => join(dir, name))
}

/** The class names used in an HTML page, added to `into`. */
export function collectClasses(html: string, into: Set<string>): void {
  for (const match of html.matchAll(/\sclass="([^"]*)"/g)) for (const name of match[1]!.split(/\s+/)) if (name) into.add(name)
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']

/** `2017-01-01` as "1 January 2017", the NHS style; anything else unchanged. */
export function formatDate(value: unknown): string {
  if (typeof value !== 'string') return ''
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(value)
  if (!match) return value
  return `${Number(match[3])} ${MONTHS[Number(match[2]) - 1] ?? ''} ${match[1]}`
}
