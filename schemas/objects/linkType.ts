import {LinkIcon} from '@sanity/icons'
import {defineField, defineType} from 'sanity'

import {webAddress} from '../shared/validation'
import {LINKABLE_TYPES} from './blockContentType'

/** A labelled link to another page, inside this hub or elsewhere. */
export const linkType = defineType({
  name: 'link',
  title: 'Link',
  type: 'object',
  icon: LinkIcon,
  fields: [
    defineField({
      name: 'label',
      title: 'Link text',
      type: 'string',
      description: 'The words readers click. Say where the link goes, not "click here".',
      validation: (rule) => rule.required().error('Add link text: readers and screen readers need to know where it goes'),
    }),
    defineField({
      name: 'internal',
      title: 'Page in this hub',
      type: 'reference',
      description: 'Choose a page in this hub, or leave empty and give a web address below.',
      to: LINKABLE_TYPES.map((type) => ({type})),
    }),
    defineField({
      name: 'url',
      title: 'Web address (URL)',
      type: 'url',
      description: 'For pages outside this hub. Must start with https://.',
      validation: (rule) => [
        webAddress(rule),
        rule.custom((url, context) => {
          const parent = context.parent as {internal?: unknown} | undefined
          if (url || parent?.internal) return true
          return 'Choose a page in this hub or add a web address'
        }),
      ],
    }),
  ],
  preview: {
    select: {title: 'label', url: 'url', internal: 'internal.title'},
    prepare: ({title, url, internal}) => ({title, subtitle: internal ? `→ ${internal}` : url}),
  },
})
