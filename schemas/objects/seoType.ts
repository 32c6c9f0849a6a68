import {SearchIcon} from '@sanity/icons'
import {defineField, defineType} from 'sanity'

/** Search engine and social sharing overrides. Everything is optional. */
export const seoType = defineType({
  name: 'seo',
  title: 'Search and sharing',
  type: 'object',
  icon: SearchIcon,
  fields: [
    defineField({
      name: 'metaTitle',
      title: 'Title in search results',
      type: 'string',
      description: 'Leave empty to use the page title.',
      validation: (rule) => rule.max(60).warning('Search engines cut titles after about 60 characters'),
    }),
    defineField({
      name: 'metaDescription',
      title: 'Description in search results',
      type: 'text',
      rows: 2,
      description: 'Leave empty to use the summary.',
      validation: (rule) => rule.max(160).warning('Search engines cut descriptions after about 160 characters'),
    }),
    defineField({
      name: 'noIndex',
      title: 'Hide from search engines',
      type: 'boolean',
      description: 'Switch on only for pages that should not be found through search, such as superseded guidance.',
      initialValue: false,
    }),
  ],
})
