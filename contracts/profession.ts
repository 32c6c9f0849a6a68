import {z} from 'zod'

import {blockContent, documentBase, expandedReference, htmlOf, seo, stringList} from './shared'

export const professionContract = z
  .strictObject({
    ...documentBase('profession'),
    title: z.string(),
    alsoKnownAs: stringList.optional(),
    summary: z.string().optional(),
    regulator: expandedReference.optional(),
    protectedTitles: stringList.optional(),
    careersUrl: z.string().optional(),
    body: blockContent.optional(),
    seo: seo.optional(),
    html: htmlOf('body'),
  })
  .meta({id: 'Profession', description: 'One of the allied health professions, with its regulator.'})
