import {defineQuery} from 'groq'

import {frameworkCardFields} from './fragments'

/** Frameworks in force today, with their priorities and the quick guides that belong to them. */
export const currentFrameworksQuery = defineQuery(`
  *[_type == "framework" && status == "current" && (!defined(expiresAt) || expiresAt >= $today)] | order(validFrom desc){
    ${frameworkCardFields},
    priorityCount,
    priorities[]{_key, title, description},
    goals,
    "partOf": partOf->{_id, title, "slug": slug.current},
    "quickGuides": *[_type == "quickGuide" && framework._ref == ^._id] | order(title asc){
      _id, title, "slug": slug.current, summary
    }
  }
`)

/** Every framework, newest first, with what it replaces and what replaced it. */
export const frameworksQuery = defineQuery(`
  *[_type == "framework"] | order(coalesce(validFrom, "9999") desc, title asc){
    ${frameworkCardFields},
    "supersedes": supersedes->{_id, title, "slug": slug.current},
    "supersededBy": *[_type == "framework" && supersedes._ref == ^._id][0]{_id, title, "slug": slug.current}
  }
`)

/** One framework's page, with everything the source page says about it. */
export const frameworkBySlugQuery = defineQuery(`
  *[_type == "framework" && slug.current == $slug][0]{
    ...,
    "slug": slug.current,
    "publisher": publisher->{_id, title, shortName},
    "supersedes": supersedes->{_id, title, "slug": slug.current},
    "partOf": partOf->{_id, title, "slug": slug.current},
    "quickGuides": *[_type == "quickGuide" && framework._ref == ^._id]{_id, title, "slug": slug.current, summary}
  }
`)
