/**
 * The rules behind the framework badges, kept apart from React so they can be tested and reused
 * (the editorial checks can ask the same questions).
 */

/** The fields of a framework the lifecycle rules read. */
export interface FrameworkLifecycle {
  status?: unknown
  expiresAt?: unknown
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/

/** Today's date as `YYYY-MM-DD` in the editor's own time zone, the form a `date` field stores. */
export function localIsoDate(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`
}

/**
 * A framework has expired when its status says so, or when its "Expires on" date (the last day
 * it applies) is before today. A framework that expires today still applies today.
 */
export function isExpired(framework: FrameworkLifecycle | null | undefined, today: string): boolean {
  if (!framework) return false
  if (framework.status === 'expired') return true
  const {expiresAt} = framework
  return typeof expiresAt === 'string' && ISO_DATE.test(expiresAt) && expiresAt < today
}

/**
 * A framework is superseded when its status says so, or when a published framework names it
 * under "Replaces" (`supersedes`). `replacedBy` is how many published frameworks do.
 */
export function isSuperseded(framework: FrameworkLifecycle | null | undefined, replacedBy: number): boolean {
  if (framework?.status === 'superseded') return true
  return replacedBy > 0
}

/**
 * Counts the published frameworks that replace the framework `$id`. The listener takes only a
 * filter, so the fetch and listen halves are given apart.
 */
export const REPLACED_BY_QUERY = {
  fetch: 'count(*[_type == "framework" && supersedes._ref == $id])',
  listen: '*[_type == "framework" && supersedes._ref == $id]',
} as const

/** A `YYYY-MM-DD` date as the NHS writes dates: "31 December 2021". */
export function formatNhsDate(iso: string): string {
  const [year, month, day] = iso.split('-').map(Number)
  if (!year || !month || !day) return iso
  const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']
  return `${day} ${months[month - 1] ?? ''} ${year}`
}

/** Why a framework counts as expired, in words an editor can act on; `undefined` when it has not. */
export function expiredReason(framework: FrameworkLifecycle | null | undefined, today: string): string | undefined {
  if (!framework || !isExpired(framework, today)) return undefined
  const {expiresAt} = framework
  const dated = typeof expiresAt === 'string' && ISO_DATE.test(expiresAt) && expiresAt < today
  if (framework.status === 'expired') {
    return dated ? `Its status is Expired, and its last day was ${formatNhsDate(expiresAt)}.` : 'Its status is Expired.'
  }
  return `Its last day was ${formatNhsDate(expiresAt as string)} (“Expires on”), so it no longer applies. Set its status to Expired or Superseded, or correct the date.`
}

/** Why a framework counts as superseded; `replacedBy` are the titles of the published frameworks that name it under "Replaces". */
export function supersededReason(framework: FrameworkLifecycle | null | undefined, replacedBy: string[]): string | undefined {
  if (!isSuperseded(framework, replacedBy.length)) return undefined
  if (replacedBy.length > 0) return `Replaced by ${replacedBy.map((title) => `“${title}”`).join(' and ')}, which names it under “Replaces”.`
  return 'Its status is Superseded.'
}

/** The titles of the published frameworks that replace the framework `$id`. */
export const REPLACED_BY_TITLES_QUERY = {
  fetch: '*[_type == "framework" && supersedes._ref == $id] | order(title asc).title',
  listen: REPLACED_BY_QUERY.listen,
} as const
