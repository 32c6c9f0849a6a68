import {z} from 'zod'

import {documentBase, expandedReference, htmlOf} from './shared'

export const resourceContract = z
  .strictObject({
    ...documentBase('resource'),
    title: z.string(),
    kind: z.enum(['webpage', 'publication', 'template', 'course', 'social']).optional(),
    description: z.string().optional(),
    url: z.string().optional().describe('Where readers find the resource: an address outside this hub.'),
    publisher: expandedReference.optional(),
    publishedYear: z.number().int().optional(),
    html: htmlOf(),
  })
  .meta({id: 'Resource', description: 'A publication, page or tool outside this hub.'})
