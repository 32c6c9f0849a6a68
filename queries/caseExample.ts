import {defineQuery} from 'groq'

import {caseExampleFields} from './fragments'

/** Examples of practice for one profession, by the profession's slug. */
export const caseExamplesByProfessionQuery = defineQuery(`
  *[_type == "caseExample" && profession->slug.current == $professionSlug] | order(title asc){${caseExampleFields}}
`)
