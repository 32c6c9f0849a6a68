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
