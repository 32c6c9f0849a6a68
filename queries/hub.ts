import {defineQuery} from 'groq'

import {resourceCardFields} from './fragments'

/** A hub page such as the Greener AHP hub: aims, focus areas and what it complements. */
export const hubBySlugQuery = defineQuery(`
  *[_type == "hub" && slug.current == $slug][0]{
    _id,
    title,
    "slug": slug.current,
    summary,
    aims,
    focusAreas,
    body,
    links,
    "source": source->{_id, title, shortName},
    "complements": complements[]->{${resourceCardFields}}
  }
`)
