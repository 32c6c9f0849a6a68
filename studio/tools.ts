import type {CurrentUser, Tool} from 'sanity'

/** Roles that see the developer tools (Vision, the GROQ playground). */
export const DEVELOPER_ROLES: ReadonlySet<string> = new Set(['administrator', 'developer'])

export const DEVELOPER_TOOLS: ReadonlySet<string> = new Set(['vision'])

/**
 * Editors see the content and the releases; developers and administrators also see Vision.
 * Fewer tools keep the Studio calm for the people who use it all day.
 */
export function toolsFor(previous: Tool[], currentUser: Pick<CurrentUser, 'roles'> | null | undefined): Tool[] {
  const isDeveloper = currentUser?.roles.some((role) => DEVELOPER_ROLES.has(role.name)) ?? false
  return isDeveloper ? previous : previous.filter((tool) => !DEVELOPER_TOOLS.has(tool.name))
}
