import {z} from 'zod'

import {blockContent, documentBase, expandedReference, htmlOf, seo, stringList} from './shared'

export const caseExampleContract = z
  .strictObject({
    ...documentBase('caseExample'),
    title: z.string(),
    summary: z.string().optional(),
    profession: expandedReference.optional(),
    framework: expandedReference.optional(),
    priority: z.string().optional(),
    setting: z.string().optional(),
    outcomes: stringList.optional(),
    body: blockContent.optional(),
    seo: seo.optional(),
    html: htmlOf('body'),
  })
  .meta({id: 'CaseExample', description: 'An example of AHP practice, linked to its profession and framework.'})
