/** Projections shared by several queries: a card for any linked document. */
export const professionCardFields = /* groq */ `
  _id,
  title,
  "slug": slug.current,
  summary
`

export const organisationCardFields = /* groq */ `
  _id,
  title,
  shortName,
  "slug": slug.current,
  url
`

export const resourceCardFields = /* groq */ `
  _id,
  title,
  "slug": slug.current,
  kind,
  url,
  description,
  publishedYear
`

export const frameworkCardFields = /* groq */ `
  _id,
  title,
  "slug": slug.current,
  summary,
  status,
  validFrom,
  expiresAt
`

/** What a case example shows wherever it is listed or opened (its page adds `body` and its profession). */
export const caseExampleFields = /* groq */ `
  _id,
  title,
  "slug": slug.current,
  summary,
  setting,
  outcomes,
  priority,
  "framework": framework->{_id, title, "slug": slug.current}
`
