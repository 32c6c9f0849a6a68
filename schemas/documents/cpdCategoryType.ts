import {StackIcon} from '@sanity/icons'
import {defineArrayMember, defineField, defineType} from 'sanity'

import {groups} from '../constants'
import {seoField, slugField, titleField} from '../shared/fields'

/** A kind of continuing professional development activity, with examples. */
export const cpdCategoryType = defineType({
  name: 'cpdCategory',
  title: 'CPD category',
  type: 'document',
  icon: StackIcon,
  groups: groups('content', 'relations', 'seo'),
  fields: [
    titleField(),
    slugField(),
    defineField({
      name: 'order',
      title: 'Position in the list',
      type: 'number',
      group: 'content',
      description: 'Where this category appears when categories are listed: 1 comes first.',
      validation: (rule) => rule.required().integer().min(1).error('Give a whole number from 1: it sets the order categories are listed in'),
    }),
    defineField({
      name: 'description',
      title: 'Description',
      type: 'text',
      rows: 2,
      group: 'content',
      description: 'Optional: one sentence on what counts as this kind of CPD.',
    }),
    defineField({
      name: 'examples',
      title: 'Examples',
      type: 'array',
      group: 'content',
      description: 'Activities that count, written so they complete "For example, …".',
      of: [defineArrayMember({type: 'string'})],
      validation: (rule) => rule.required().min(1).error('Add at least one example activity'),
    }),
    defineField({
      name: 'furtherReading',
      title: 'Further reading',
      type: 'array',
      group: 'relations',
      description: 'Regulator and NHS pages with more about CPD.',
      of: [defineArrayMember({type: 'reference', to: [{type: 'resource'}]})],
      validation: (rule) => rule.unique(),
    }),
    seoField(),
  ],
  orderings: [{title: 'List order', name: 'orderAsc', by: [{field: 'order', direction: 'asc'}]}],
  preview: {
    select: {title: 'title', order: 'order', examples: 'examples'},
    prepare: ({title, order, examples}) => ({
      title: order ? `${order}. ${title}` : title,
      subtitle: Array.isArray(examples) ? `${examples.length} example${examples.length === 1 ? '' : 's'}` : 'No examples',
    }),
  },
})
