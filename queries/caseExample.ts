import {defineQuery} from 'groq'

/** Examples of practice for one profession, by the profession's slug. */
export const caseExamplesByProfessionQuery = defineQuery(`
  *[_type == "caseExample" && profession->slug.current == $professionSlug] | order(title asc){
    _id,
    title,
    "slug": slug.current,
    summary,
    setting,
    outcomes,
    priority,
    "framework": framework->{_id, title, "slug": slug.current}
  }
`)
