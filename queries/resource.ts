import {defineQuery} from 'groq'

import {organisationCardFields, resourceCardFields} from './fragments'

/** Publishers with the resources each publishes, A to Z. */
export const resourcesByPublisherQuery = defineQuery(`
  *[_type == "organisation" && count(*[_type == "resource" && references(^._id)]) > 0] | order(title asc){
    ${organisationCardFields},
    "resources": *[_type == "resource" && publisher._ref == ^._id] | order(title asc){${resourceCardFields}}
  }
`)
