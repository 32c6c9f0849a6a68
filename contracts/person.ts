import {z} from 'zod'

import {documentBase, expandedReference, htmlOf} from './shared'

export const personContract = z
  .strictObject({
    ...documentBase('person'),
    name: z.string(),
    role: z.string().optional(),
    organisation: expandedReference.optional(),
    twitterHandle: z.string().optional(),
    profileUrl: z.string().optional(),
    html: htmlOf(),
  })
  .meta({id: 'Person', description: 'A named national lead, such as the Chief Allied Health Professions Officer.'})
