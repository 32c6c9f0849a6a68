import {defineQuery} from 'groq'

import {organisationCardFields, professionCardFields} from './fragments'

/** One profession's page: its regulator and protected titles. */
export const professionBySlugQuery = defineQuery(`
  *[_type == "profession" && slug.current == $slug][0]{
    ${professionCardFields},
    alsoKnownAs,
    protectedTitles,
    careersUrl,
    body,
    "regulator": regulator->{${organisationCardFields}}
  }
`)

/** Every profession, A to Z. */
export const professionsQuery = defineQuery(`
  *[_type == "profession"] | order(title asc){
    ${professionCardFields},
    "regulator": regulator->shortName
  }
`)

/** Regulators with the professions each one registers, largest register first. */
export const professionsByRegulatorQuery = defineQuery(`
  *[_type == "organisation" && kind == "regulator"]{
    ${organisationCardFields},
    "professions": *[_type == "profession" && references(^._id)] | order(title asc){
      ${professionCardFields},
      protectedTitles
    }
  }[count(professions) > 0] | order(count(professions) desc, title asc)
`)
