import {z} from 'zod'

import {documentBase, htmlOf} from './shared'

export const organisationContract = z
  .strictObject({
    ...documentBase('organisation'),
    title: z.string(),
    shortName: z.string().optional(),
    kind: z.enum(['nhsBody', 'regulator', 'educationBody', 'independent']).optional(),
    description: z.string().optional(),
    url: z.string().optional().describe('The organisation\'s own website.'),
    html: htmlOf(),
  })
  .meta({id: 'Organisation', description: 'An organisation that regulates, publishes or provides information.'})
