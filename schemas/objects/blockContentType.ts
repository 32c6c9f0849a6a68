import {LinkIcon, DocumentIcon} from '@sanity/icons'
import {defineArrayMember, defineField, defineType} from 'sanity'

import {blocksContentStyle, httpsUrl, linksHaveText} from '../shared/validation'

/** Document types an internal link may point to: each has a page of its own on the frontend. */
export const LINKABLE_TYPES = [
  'profession',
  'framework',
  'quickGuide',
  'caseExample',
  'cpdCategory',
  'hub',
  'guidance',
  'resource',
  'organisation',
  'person',
] as const

/**
 * Portable Text for guidance pages: headings, lists, emphasis, links to other pages in this hub
 * and links to other sites. No images or embeds: the source guidance is text.
 */
export const blockContentType = defineType({
  name: 'blockContent',
  title: 'Body',
  type: 'array',
  of: [
    defineArrayMember({
      type: 'block',
      styles: [
        {title: 'Normal', value: 'normal'},
        {title: 'Heading', value: 'h2'},
        {title: 'Subheading', value: 'h3'},
        {title: 'Quote', value: 'blockquote'},
      ],
      lists: [
        {title: 'Bullet list', value: 'bullet'},
        {title: 'Numbered list', value: 'number'},
      ],
      marks: {
        decorators: [
          {title: 'Bold', value: 'strong'},
          {title: 'Italic', value: 'em'},
        ],
        annotations: [
          defineArrayMember({
            name: 'internalLink',
            title: 'Link to a page in this hub',
            type: 'object',
            icon: DocumentIcon,
            fields: [
              defineField({
                name: 'reference',
                title: 'Page',
                type: 'reference',
                description: 'The page in this hub the selected words link to.',
                to: LINKABLE_TYPES.map((type) => ({type})),
                validation: (rule) => rule.required().error('Choose the page this link goes to'),
              }),
            ],
          }),
          defineArrayMember({
            name: 'link',
            title: 'Link to another website',
            type: 'object',
            icon: LinkIcon,
            fields: [
              defineField({
                name: 'href',
                title: 'Web address (URL)',
                type: 'url',
                description: 'The full address, starting with https://.',
                validation: (rule) => [rule.required().error('Add the web address this link goes to'), httpsUrl(rule)],
              }),
            ],
          }),
        ],
      },
    }),
  ],
  validation: (rule) => [rule.custom(linksHaveText), rule.custom(blocksContentStyle).warning()],
})
