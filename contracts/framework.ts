import {z} from 'zod'

import {blockContent, documentBase, expandedReference, htmlOf, isoDate, seo, stringList} from './shared'

export const frameworkContract = z
  .strictObject({
    ...documentBase('framework'),
    title: z.string(),
    summary: z.string().optional(),
    status: z.enum(['current', 'inDevelopment', 'expired', 'superseded']).optional(),
    validFrom: isoDate.optional(),
    expiresAt: isoDate.optional(),
    supersedes: expandedReference.optional(),
    partOf: expandedReference.optional(),
    publisher: expandedReference.optional(),
    offers: stringList.optional(),
    priorityCount: z.number().int().optional(),
    priorities: z
      .array(z.strictObject({_type: z.literal('priority').optional(), _key: z.string().optional(), title: z.string(), description: z.string().optional()}))
      .optional(),
    goals: stringList.optional(),
    examplesCount: z.number().int().optional(),
    development: z
      .strictObject({
        _type: z.string().optional(),
        summary: z.string().optional(),
        contributionCount: z.number().int().optional(),
        contributionChannel: z.string().optional(),
        contributionYear: z.number().int().optional(),
      })
      .optional(),
    implementation: z.strictObject({_type: z.string().optional(), summary: z.string().optional(), durationYears: z.number().int().optional()}).optional(),
    getInvolved: z
      .strictObject({_type: z.string().optional(), hashtag: z.string().optional(), steps: blockContent.optional(), contactEmail: z.string().optional()})
      .optional(),
    url: z.string().optional(),
    body: blockContent.optional(),
    seo: seo.optional(),
    html: htmlOf('body', 'getInvolved.steps'),
  })
  .meta({id: 'Framework', description: 'A national strategy or framework for AHPs, with its lifecycle.'})
