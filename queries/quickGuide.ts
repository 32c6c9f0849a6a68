import {defineQuery} from 'groq'

import {resourceCardFields} from './fragments'

/** The quick guides of one framework, by the framework's slug. */
export const quickGuidesByFrameworkQuery = defineQuery(`
  *[_type == "quickGuide" && framework->slug.current == $frameworkSlug] | order(title asc){
    _id,
    title,
    "slug": slug.current,
    summary,
    policyContext,
    audience,
    "relatedResources": relatedResources[]->{${resourceCardFields}}
  }
`)
