import {z} from 'zod'

import {blockContent, documentBase, expandedReference, htmlOf, link, referenceList, seo, stringList} from './shared'

export const hubContract = z
  .strictObject({
    ...documentBase('hub'),
    title: z.string(),
    summary: z.string().optional(),
    aims: stringList.optional(),
    focusAreas: stringList.optional(),
    source: expandedReference.optional(),
    complements: referenceList.optional(),
    links: z.array(link).optional(),
    body: blockContent.optional(),
    seo: seo.optional(),
    html: htmlOf('body'),
  })
  .meta({id: 'Hub', description: 'A landing page gathering a theme\'s aims, content and links.'})
