/**
 * The route table: where each document type lives on a frontend. One table, used for the
 * expanded references' `url`, each document's `route`, internal links in the HTML export and the
 * manifest's `routes`.
 */
export const ROUTES = {
  caseExample: '/case-examples/{slug}',
  cpdCategory: '/cpd/{slug}',
  framework: '/frameworks/{slug}',
  guidance: '/guidance/{slug}',
  hub: '/hubs/{slug}',
  organisation: '/organisations/{slug}',
  person: '/people/{slug}',
  profession: '/professions/{slug}',
  quickGuide: '/quick-guides/{slug}',
  resource: '/resources/{slug}',
} as const satisfies Record<string, string>

export type RoutedType = keyof typeof ROUTES

export function hasRoute(type: string): type is RoutedType {
  return Object.hasOwn(ROUTES, type)
}

/** The frontend route of a document: `routeFor('profession', 'dietitians')` is `/professions/dietitians`. */
export function routeFor(type: RoutedType, slug: string): string {
  return ROUTES[type].replace('{slug}', encodeURIComponent(slug))
}

/** The field that names a document in lists and links: `name` for people, `title` for the rest. */
export function titleFieldOf(type: string): 'name' | 'title' {
  return type === 'person' ? 'name' : 'title'
}
