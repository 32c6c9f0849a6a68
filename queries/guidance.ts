import {defineQuery} from 'groq'

import {resourceCardFields} from './fragments'

/** A guidance page such as job planning: what it supplements and replaces, and its tools. */
export const guidanceBySlugQuery = defineQuery(`
  *[_type == "guidance" && slug.current == $slug][0]{
    _id,
    title,
    "slug": slug.current,
    summary,
    audience,
    body,
    "supplements": supplements[]->{${resourceCardFields}},
    "replaces": replaces[]->{${resourceCardFields}},
    "relatedStandards": relatedStandards[]->{${resourceCardFields}},
    "tools": tools[]->{${resourceCardFields}}
  }
`)
