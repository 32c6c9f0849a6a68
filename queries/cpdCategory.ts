import {defineQuery} from 'groq'

import {resourceCardFields} from './fragments'

/** The CPD categories in the order editors set, with their examples. */
export const cpdCategoriesQuery = defineQuery(`
  *[_type == "cpdCategory"] | order(order asc){
    _id,
    title,
    "slug": slug.current,
    order,
    description,
    examples,
    "furtherReading": furtherReading[]->{${resourceCardFields}}
  }
`)
