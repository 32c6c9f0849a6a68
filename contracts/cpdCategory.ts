import {z} from 'zod'

import {documentBase, htmlOf, referenceList, seo, stringList} from './shared'

export const cpdCategoryContract = z
  .strictObject({
    ...documentBase('cpdCategory'),
    title: z.string(),
    order: z.number().int().optional(),
    description: z.string().optional(),
    examples: stringList.optional(),
    furtherReading: referenceList.optional(),
    seo: seo.optional(),
    html: htmlOf(),
  })
  .meta({id: 'CpdCategory', description: 'A kind of continuing professional development activity, with examples.'})
