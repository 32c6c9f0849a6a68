import {
  caseExampleBySlugQuery,
  caseExamplesByProfessionQuery,
  cpdCategoriesQuery,
  frameworkBySlugQuery,
  frameworkSupersededByQuery,
  frameworksQuery,
  guidanceBySlugQuery,
  hubBySlugQuery,
  organisationBySlugQuery,
  personBySlugQuery,
  professionBySlugQuery,
  professionsQuery,
  quickGuideBySlugQuery,
  resourceBySlugQuery,
  resourcesByPublisherQuery,
  siteRoutesQuery,
} from '../queries'
import type {SiteRoutesQueryResult} from '../sanity.types'
import {FRAMEWORK_STATUSES, RESOURCE_KINDS} from '../schemas/constants'
import type {ContentReader} from './content'
import {renderPortableText, type ImageUrls} from './portableText'
import {ROUTES, routeFor, type RoutedType} from './routes'

/** Each section of the site: its list page, its name, and the document type it lists. */
export const SECTIONS = [
  {type: 'profession', path: '/professions', title: 'Allied health professions', single: 'Profession'},
  {type: 'framework', path: '/frameworks', title: 'Strategy and frameworks', single: 'Framework'},
  {type: 'quickGuide', path: '/quick-guides', title: 'Quick guides', single: 'Quick guide'},
  {type: 'caseExample', path: '/case-examples', title: 'Examples of practice', single: 'Case example'},
  {type: 'cpdCategory', path: '/cpd', title: 'Continuing professional development (CPD)', single: 'CPD'},
  {type: 'hub', path: '/hubs', title: 'Hubs', single: 'Hub'},
  {type: 'guidance', path: '/guidance', title: 'Guidance', single: 'Guidance'},
  {type: 'resource', path: '/resources', title: 'Resources', single: 'Resource'},
  {type: 'organisation', path: '/organisations', title: 'Organisations', single: 'Organisation'},
  {type: 'person', path: '/people', title: 'People', single: 'Person'},
] as const satisfies readonly {type: RoutedType; path: string; title: string; single: string}[]

export const PAGE_TYPES = SECTIONS.map((section) => section.type) as RoutedType[]

export type RouteEntry = SiteRoutesQueryResult[number]

/** Every document with a page, and where internal links to each go. */
export class SiteMap {
  readonly byId = new Map<string, RouteEntry & {url: string}>()
  constructor(readonly entries: SiteRoutesQueryResult) {
    for (const entry of entries) {
      if (entry.slug) this.byId.set(entry._id, {...entry, url: routeFor(entry._type as RoutedType, entry.slug)})
    }
  }
  ofType(type: string): (RouteEntry & {url: string})[] {
    return [...this.byId.values()].filter((entry) => entry._type === type)
  }
  /** Every page address: home, each section with documents, each document. */
  paths(): string[] {
    const paths = ['/']
    for (const section of SECTIONS) {
      const pages = this.ofType(section.type)
      if (pages.length > 0) paths.push(section.path, ...pages.map((page) => page.url))
    }
    return paths
  }
}

export async function loadSiteMap(reader: ContentReader): Promise<SiteMap> {
  return new SiteMap(await reader.fetch(siteRoutesQuery, {types: PAGE_TYPES}))
}

export interface Crumb {
  text: string
  href: string
}

/** What a template needs: which template, the page's title and breadcrumbs, and its data. */
export interface Page {
  template: string
  title: string
  breadcrumbs: Crumb[]
  /** The document shown, for preview's overlays and live updates. */
  document?: {_id: string; _type: string}
  data: Record<string, unknown>
}

export class NotFound extends Error {}

const HOME: Crumb = {text: 'Home', href: '/'}

function sectionOf(type: RoutedType) {
  return SECTIONS.find((section) => section.type === type)!
}

function crumbs(type: RoutedType): Crumb[] {
  const section = sectionOf(type)
  return [HOME, {text: section.title, href: section.path}]
}

/** Entries on one page of a section's list: a long list is split so each page stays small. */
export const PAGE_SIZE = 50

/** The address of page `number` of a section's list: `/professions`, `/professions/pages/2`. */
export function sectionPagePath(sectionPath: string, number: number): string {
  return number <= 1 ? sectionPath : `${sectionPath}/pages/${number}`
}

/** Splits `/professions/dietitians` into its type and slug, or a section path into its type and page. */
export function matchPath(path: string): {type: RoutedType; slug?: string; page?: number} | 'home' | undefined {
  if (path === '/' || path === '') return 'home'
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path
  for (const section of SECTIONS) {
    if (trimmed === section.path) return {type: section.type, page: 1}
    const paged = trimmed.startsWith(`${section.path}/pages/`) ? trimmed.slice(section.path.length + '/pages/'.length) : undefined
    // Slugs never hold a "/", so /section/pages/N is never a document's address.
    if (paged !== undefined && /^[1-9]\d*$/.test(paged)) return Number(paged) === 1 ? undefined : {type: section.type, page: Number(paged)}
    const pattern = ROUTES[section.type].replace('{slug}', '')
    if (trimmed.startsWith(pattern)) {
      const rest = trimmed.slice(pattern.length)
      if (rest !== '' && !rest.includes('/')) {
        try {
          return {type: section.type, slug: decodeURIComponent(rest)}
        } catch {
          return undefined
        }
      }
    }
  }
  return undefined
}

/** Load the page at `path` through `queries/`. Throws `NotFound` for an address with no page. */
export async function loadPage(reader: ContentReader, path: string, siteMap: SiteMap, images: ImageUrls): Promise<Page> {
  const match = matchPath(path)
  if (!match) throw new NotFound(path)
  const html = (blocks: unknown) => renderPortableText(blocks, {siteMap, images})
  if (match === 'home') {
    const sections = SECTIONS.map((section) => ({...section, count: siteMap.ofType(section.type).length})).filter((section) => section.count > 0)
    const hub = await reader.fetch(hubBySlugQuery, {slug: 'allied-health-professionals'})
    return {
      template: 'home.njk',
      title: 'Allied health professionals',
      breadcrumbs: [],
      data: {sections, intro: hub?.summary ?? null, introSource: hub?.source?.title ?? null, hub: hub && {...siteMap.byId.get(hub._id), _type: 'hub'}},
    }
  }
  const {type, slug} = match
  const section = sectionOf(type)
  if (slug === undefined) return loadSection(reader, section, siteMap, match.page ?? 1)
  const base = crumbs(type)
  switch (type) {
    case 'profession': {
      const page = await reader.fetch(professionBySlugQuery, {slug})
      if (!page) break
      const caseExamples = await reader.fetch(caseExamplesByProfessionQuery, {professionSlug: slug})
      return {template: 'profession.njk', title: page.title ?? '', breadcrumbs: base, document: {_id: page._id, _type: type}, data: {page, caseExamples, body: html(page.body)}}
    }
    case 'framework': {
      const page = await reader.fetch(frameworkBySlugQuery, {slug})
      if (!page) break
      const supersededBy = await reader.fetch(frameworkSupersededByQuery, {id: page._id})
      const quickGuides = [...(page.quickGuides ?? [])].sort((a, b) => compareText(a.title, b.title))
      const getInvolved = page.getInvolved as {steps?: unknown; hashtag?: string} | undefined
      return {
        template: 'framework.njk',
        title: page.title ?? '',
        breadcrumbs: base,
        document: {_id: page._id, _type: type},
        data: {
          page,
          supersededBy,
          quickGuides,
          body: html(page.body),
          steps: getInvolved?.steps ? html(getInvolved.steps) : '',
          statusText: FRAMEWORK_STATUS[page.status ?? ''] ?? 'No status',
          statusColour: STATUS_COLOUR[page.status ?? ''] ?? 'grey',
        },
      }
    }
    case 'quickGuide': {
      const page = await reader.fetch(quickGuideBySlugQuery, {slug})
      if (!page) break
      return {template: 'quickGuide.njk', title: page.title ?? '', breadcrumbs: base, document: {_id: page._id, _type: type}, data: {page, body: html(page.body)}}
    }
    case 'caseExample': {
      const page = await reader.fetch(caseExampleBySlugQuery, {slug})
      if (!page) break
      return {template: 'caseExample.njk', title: page.title ?? '', breadcrumbs: base, document: {_id: page._id, _type: type}, data: {page, body: html(page.body)}}
    }
    case 'cpdCategory': {
      const all = await reader.fetch(cpdCategoriesQuery)
      const position = all.findIndex((category) => category.slug === slug)
      const page = all[position]
      if (!page) break
      const previous = all[position - 1]
      const next = all[position + 1]
      const link = (category: typeof page | undefined) => (category?.slug ? {text: category.title, href: routeFor('cpdCategory', category.slug)} : undefined)
      return {
        template: 'cpdCategory.njk',
        title: page.title ?? '',
        breadcrumbs: base,
        document: {_id: page._id, _type: type},
        data: {page, position: position + 1, total: all.length, previous: link(previous), next: link(next)},
      }
    }
    case 'guidance': {
      const page = await reader.fetch(guidanceBySlugQuery, {slug})
      if (!page) break
      return {template: 'guidance.njk', title: page.title ?? '', breadcrumbs: base, document: {_id: page._id, _type: type}, data: {page, body: html(page.body)}}
    }
    case 'hub': {
      const page = await reader.fetch(hubBySlugQuery, {slug})
      if (!page) break
      const children = (page.links ?? []).flatMap((link) => {
        const target = link.internal?._ref ? siteMap.byId.get(link.internal._ref) : undefined
        const href = target?.url ?? link.url
        return href ? [{_key: link._key, text: link.label ?? target?.title ?? href, href, summary: target?.summary ?? null}] : []
      })
      return {template: 'hub.njk', title: page.title ?? '', breadcrumbs: base, document: {_id: page._id, _type: type}, data: {page, children, body: html(page.body)}}
    }
    case 'resource': {
      const page = await reader.fetch(resourceBySlugQuery, {slug})
      if (!page) break
      return {template: 'resource.njk', title: page.title ?? '', breadcrumbs: base, document: {_id: page._id, _type: type}, data: {page, kindText: RESOURCE_KIND[page.kind ?? ''] ?? null}}
    }
    case 'organisation': {
      const page = await reader.fetch(organisationBySlugQuery, {slug})
      if (!page) break
      return {template: 'organisation.njk', title: page.title ?? '', breadcrumbs: base, document: {_id: page._id, _type: type}, data: {page}}
    }
    case 'person': {
      const page = await reader.fetch(personBySlugQuery, {slug})
      if (!page) break
      return {template: 'person.njk', title: page.name ?? '', breadcrumbs: base, document: {_id: page._id, _type: type}, data: {page}}
    }
  }
  throw new NotFound(path)
}

/** What a list page shows of a long list, and the links to the pages before and after it. */
export interface Pagination {
  page: number
  pages: number
  previous?: {href: string; text: string}
  next?: {href: string; text: string}
}

function paginate<T>(items: readonly T[], page: number, sectionPath: string): {items: T[]; pagination: Pagination} {
  const pages = Math.max(1, Math.ceil(items.length / PAGE_SIZE))
  if (page > pages) throw new NotFound(sectionPagePath(sectionPath, page))
  const pagination: Pagination = {page, pages}
  if (page > 1) pagination.previous = {href: sectionPagePath(sectionPath, page - 1), text: `Page ${page - 1} of ${pages}`}
  if (page < pages) pagination.next = {href: sectionPagePath(sectionPath, page + 1), text: `Page ${page + 1} of ${pages}`}
  return {items: items.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE), pagination}
}

async function loadSection(reader: ContentReader, section: (typeof SECTIONS)[number], siteMap: SiteMap, page: number): Promise<Page> {
  const title = page > 1 ? `${section.title} (page ${page})` : section.title
  const common = {title, breadcrumbs: page > 1 ? [HOME, {text: section.title, href: section.path}] : [HOME]}
  switch (section.type) {
    case 'profession': {
      const {items, pagination} = paginate(await reader.fetch(professionsQuery), page, section.path)
      return {...common, template: 'professions.njk', data: {professions: items, pager: pagination}}
    }
    case 'framework': {
      const frameworks = await reader.fetch(frameworksQuery)
      const {items, pagination} = paginate(frameworks, page, section.path)
      const withStatus = items.map((framework) => ({...framework, statusText: FRAMEWORK_STATUS[framework.status ?? ''] ?? 'No status', statusColour: STATUS_COLOUR[framework.status ?? ''] ?? 'grey'}))
      return {...common, template: 'frameworks.njk', data: {frameworks: withStatus, pager: pagination}}
    }
    case 'cpdCategory': {
      const categories = await reader.fetch(cpdCategoriesQuery)
      const {items, pagination} = paginate(categories, page, section.path)
      return {...common, template: 'cpd.njk', data: {categories: items, total: categories.length, start: (page - 1) * PAGE_SIZE + 1, pager: pagination}}
    }
    case 'resource': {
      // By publisher: the page's share of (publisher, resource) pairs, grouped again.
      const publishers = await reader.fetch(resourcesByPublisherQuery)
      const pairs = publishers.flatMap((publisher) => (publisher.resources ?? []).map((resource) => ({publisher, resource})))
      const {items, pagination} = paginate(pairs, page, section.path)
      const groups: {publisher: (typeof publishers)[number]; resources: (typeof pairs)[number]['resource'][]}[] = []
      for (const {publisher, resource} of items) {
        const last = groups[groups.length - 1]
        if (last?.publisher === publisher) last.resources.push(resource)
        else groups.push({publisher, resources: [resource]})
      }
      return {...common, template: 'resources.njk', data: {publishers: groups, pager: pagination}}
    }
    default: {
      const entries = siteMap.ofType(section.type).sort((a, b) => compareText(a.title, b.title))
      if (entries.length === 0) throw new NotFound(section.path)
      const {items, pagination} = paginate(entries, page, section.path)
      return {...common, template: 'section.njk', data: {entries: items, pager: pagination}}
    }
  }
}

function compareText(a: string | null | undefined, b: string | null | undefined): number {
  const left = a ?? ''
  const right = b ?? ''
  return left < right ? -1 : left > right ? 1 : 0
}

const FRAMEWORK_STATUS: Record<string, string> = Object.fromEntries(FRAMEWORK_STATUSES.map(({title, value}) => [value, title]))
const STATUS_COLOUR: Record<string, string> = {current: 'green', inDevelopment: 'blue', expired: 'grey', superseded: 'grey'}
const RESOURCE_KIND: Record<string, string> = Object.fromEntries(RESOURCE_KINDS.map(({title, value}) => [value, title]))
