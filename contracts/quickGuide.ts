import {z} from 'zod'

import {blockContent, documentBase, expandedReference, htmlOf, referenceList, seo, stringList} from './shared'

export const quickGuideContract = z
  .strictObject({
    ...documentBase('quickGuide'),
    title: z.string(),
    framework: expandedReference.optional(),
    summary: z.string().optional(),
    policyContext: z.string().optional(),
    audience: stringList.optional(),
    relatedResources: referenceList.optional(),
    url: z.string().optional(),
    body: blockContent.optional(),
    seo: seo.optional(),
    html: htmlOf('body'),
  })
  .meta({id: 'QuickGuide', description: 'A short guide to how AHPs contribute to one area of a framework.'})
