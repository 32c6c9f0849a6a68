import {z} from 'zod'

import {blockContent, documentBase, expandedReference, htmlOf, referenceList, seo} from './shared'

export const guidanceContract = z
  .strictObject({
    ...documentBase('guidance'),
    title: z.string(),
    summary: z.string().optional(),
    audience: z.string().optional(),
    publisher: expandedReference.optional(),
    supplements: referenceList.optional(),
    replaces: referenceList.optional(),
    relatedStandards: referenceList.optional(),
    tools: referenceList.optional(),
    body: blockContent.optional(),
    seo: seo.optional(),
    html: htmlOf('body'),
  })
  .meta({id: 'Guidance', description: 'Advice for trusts and services, such as job planning for AHPs.'})
