import {BulbOutlineIcon} from '@sanity/icons'
import {defineArrayMember, defineField, defineType} from 'sanity'

import {groups} from '../constants'
import {bodyField, externalUrlField, seoField, slugField, summaryField, titleField} from '../shared/fields'

/** A short guide showing how AHPs contribute to one area of a framework, such as cancer care. */
export const quickGuideType = defineType({
  name: 'quickGuide',
  title: 'Quick guide',
  type: 'document',
  icon: BulbOutlineIcon,
  groups: groups('content', 'details', 'relations', 'seo'),
  fields: [
    titleField(),
    slugField(),
    defineField({
      name: 'framework',
      title: 'Framework',
      type: 'reference',
      group: 'relations',
      description: 'The strategy this guide belongs to.',
      to: [{type: 'framework'}],
      validation: (rule) => rule.required().error('Choose the framework this quick guide belongs to'),
    }),
    summaryField({required: true}),
    defineField({
      name: 'policyContext',
      title: 'Policy context',
      type: 'text',
      rows: 4,
      group: 'content',
      description: 'Optional: the national policy this guide helps deliver, in plain words.',
    }),
    defineField({
      name: 'audience',
      title: 'Who it is for',
      type: 'array',
      group: 'content',
      description: 'The readers this guide is written for, one a line.',
      of: [defineArrayMember({type: 'string'})],
    }),
    defineField({
      name: 'relatedResources',
      title: 'Related publications',
      type: 'array',
      group: 'relations',
      description: 'Strategies and frameworks this guide supports.',
      of: [defineArrayMember({type: 'reference', to: [{type: 'resource'}]})],
      validation: (rule) => rule.unique(),
    }),
    externalUrlField({description: 'Optional: where the full guide is published.'}),
    bodyField(),
    seoField(),
  ],
  preview: {
    select: {title: 'title', framework: 'framework.title'},
    prepare: ({title, framework}) => ({title, subtitle: framework ? `Quick guide · ${framework}` : 'Quick guide'}),
  },
})
