import {defineQuery} from 'groq'

/** National leads by role, such as the Chief Allied Health Professions Officer. */
export const personByRoleQuery = defineQuery(`
  *[_type == "person" && role == $role][0]{
    _id,
    name,
    "slug": slug.current,
    role,
    twitterHandle,
    profileUrl,
    "organisation": organisation->{_id, title, shortName}
  }
`)
