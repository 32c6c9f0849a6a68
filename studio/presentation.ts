import {defineDocuments, defineLocations, presentationTool, type DocumentLocationResolvers} from 'sanity/presentation'

import {ROUTES, routeFor, type RoutedType} from '../scripts/lib/export/routes'
import {studioEnv} from './env'

/** Where an editor's browser keeps another address for the site, for one machine's preview. */
export const SITE_URL_STORAGE_KEY = 'ahp-site-url'

/** The site run by `npm run site` on the same machine, unless the build said otherwise. */
export const DEFAULT_SITE_URL = 'http://localhost:3000'

/**
 * The public website's address for previews: this browser's own setting (localStorage
 * `ahp-site-url`, for a site on another port), else `SANITY_STUDIO_SITE_URL` at build time, else
 * `npm run site`'s default.
 */
export function siteUrl(): string {
  let stored: string | null = null
  try {
    stored = typeof window === 'undefined' ? null : window.localStorage.getItem(SITE_URL_STORAGE_KEY)
  } catch {
    stored = null
  }
  return stored || studioEnv(() => process.env.SANITY_STUDIO_SITE_URL) || DEFAULT_SITE_URL
}

/** Each routed type's pages: the page a document appears on, for Presentation's "Used on" list. */
const locations: DocumentLocationResolvers = Object.fromEntries(
  (Object.keys(ROUTES) as RoutedType[]).map((type) => [
    type,
    defineLocations({
      select: {title: type === 'person' ? 'name' : 'title', slug: 'slug.current'},
      resolve: (doc) => (doc?.slug ? {locations: [{title: String(doc.title ?? doc.slug), href: routeFor(type, String(doc.slug))}]} : null),
    }),
  ]),
)

/** The document each page shows, so Presentation opens it for editing beside the page. */
const mainDocuments = defineDocuments(
  (Object.keys(ROUTES) as RoutedType[]).map((type) => ({
    route: ROUTES[type].replace('{slug}', ':slug'),
    filter: `_type == "${type}" && slug.current == $slug`,
  })),
)

/**
 * The Presentation tool: the site in a frame beside the editor. Preview is enabled at the site's
 * `/api/preview/enable` with a secret the Studio creates for the signed-in user
 * (@sanity/preview-url-secret); the site checks it before showing anything unpublished.
 */
export function sitePresentationTool() {
  return presentationTool({
    name: 'presentation',
    title: 'Preview',
    previewUrl: {
      initial: () => siteUrl(),
      previewMode: {enable: '/api/preview/enable'},
    },
    allowOrigins: () => [new URL(siteUrl()).origin],
    resolve: {locations, mainDocuments},
  })
}
