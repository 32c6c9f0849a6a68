/** Field groups, declared once and referenced by name so every document type tabs the same way. */
export const GROUPS = {
  content: {name: 'content', title: 'Content', default: true},
  details: {name: 'details', title: 'Details'},
  relations: {name: 'relations', title: 'Related content'},
  publishing: {name: 'publishing', title: 'Status and dates'},
  seo: {name: 'seo', title: 'Search and sharing'},
} as const

export type GroupName = keyof typeof GROUPS

export function groups(...names: GroupName[]) {
  return names.map((name) => GROUPS[name])
}

/** Lifecycle of a strategy framework. "current" is the only status shown as live guidance. */
export const FRAMEWORK_STATUSES = [
  {title: 'Current', value: 'current'},
  {title: 'In development', value: 'inDevelopment'},
  {title: 'Expired', value: 'expired'},
  {title: 'Superseded', value: 'superseded'},
] as const

export const ORGANISATION_KINDS = [
  {title: 'NHS body', value: 'nhsBody'},
  {title: 'Regulator', value: 'regulator'},
  {title: 'Education and training body', value: 'educationBody'},
  {title: 'Independent provider of information', value: 'independent'},
] as const

export const RESOURCE_KINDS = [
  {title: 'Web page', value: 'webpage'},
  {title: 'Publication (PDF or document)', value: 'publication'},
  {title: 'Template or tool', value: 'template'},
  {title: 'Course', value: 'course'},
  {title: 'Social media', value: 'social'},
] as const
