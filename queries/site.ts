import {defineQuery} from 'groq'

import {caseExampleFields, organisationCardFields, professionCardFields, resourceCardFields} from './fragments'

/**
 * Queries the public website needs beyond the per-type ones: every page's address, and pages of
 * types no other frontend query covers. Bodies come back as stored (Portable Text with `_ref`s):
 * the site resolves internal links through `siteRoutesQuery`, and images through their asset id.
 */

/** Every document with a page: type, slug, title and summary, for routes, links and list pages. */
export const siteRoutesQuery = defineQuery(`
  *[_type in $types && defined(slug.current)] | order(_type asc, slug.current asc){
    _id,
    _type,
    "slug": slug.current,
    "title": coalesce(title, name),
    "summary": coalesce(summary, description, role)
  }
`)

/** The frameworks that name this one under "Replaces": a back-reference, kept in no field. */
export const frameworkSupersededByQuery = defineQuery(`
  *[_type == "framework" && supersedes._ref == $id] | order(title asc){_id, title, "slug": slug.current, status}
`)

/** One quick guide's page, with the framework it belongs to. */
export const quickGuideBySlugQuery = defineQuery(`
  *[_type == "quickGuide" && slug.current == $slug][0]{
    _id,
    _type,
    title,
    "slug": slug.current,
    summary,
    policyContext,
    audience,
    body,
    "framework": framework->{_id, title, "slug": slug.current, status},
    "relatedResources": relatedResources[]->{${resourceCardFields}}
  }
`)

/** One case example's page, with its profession and framework. */
export const caseExampleBySlugQuery = defineQuery(`
  *[_type == "caseExample" && slug.current == $slug][0]{
    ${caseExampleFields},
    _type,
    body,
    "profession": profession->{${professionCardFields}}
  }
`)

/** One resource's page, with its publisher. */
export const resourceBySlugQuery = defineQuery(`
  *[_type == "resource" && slug.current == $slug][0]{
    ${resourceCardFields},
    _type,
    "publisher": publisher->{${organisationCardFields}}
  }
`)

/** One organisation's page: what it publishes and the professions it regulates (back-references). */
export const organisationBySlugQuery = defineQuery(`
  *[_type == "organisation" && slug.current == $slug][0]{
    ${organisationCardFields},
    _type,
    kind,
    description,
    "resources": *[_type == "resource" && publisher._ref == ^._id] | order(title asc){${resourceCardFields}},
    "professions": *[_type == "profession" && regulator._ref == ^._id] | order(title asc){${professionCardFields}},
    "people": *[_type == "person" && organisation._ref == ^._id] | order(name asc){_id, name, "slug": slug.current, role}
  }
`)

/** One person's page, with their organisation. */
export const personBySlugQuery = defineQuery(`
  *[_type == "person" && slug.current == $slug][0]{
    _id,
    _type,
    name,
    "slug": slug.current,
    role,
    twitterHandle,
    profileUrl,
    "organisation": organisation->{${organisationCardFields}}
  }
`)
