import {EarthGlobeIcon} from '@sanity/icons'
import {defineArrayMember, defineField, defineType} from 'sanity'

import {groups} from '../constants'
import {bodyField, seoField, slugField, summaryField, titleField} from '../shared/fields'

/** A landing page that gathers a theme's aims, content and links, such as the Greener AHP hub. */
export const hubType = defineType({
  name: 'hub',
  title: 'Hub',
  type: 'document',
  icon: EarthGlobeIcon,
  groups: groups('content', 'details', 'relations', 'seo'),
  fields: [
    titleField(),
    slugField(),
    summaryField({required: true}),
    defineField({
      name: 'aims',
      title: 'Aims',
      type: 'array',
      group: 'details',
      description: 'What the hub aims to provide, in order, one a line.',
      of: [defineArrayMember({type: 'string'})],
    }),
    defineField({
      name: 'focusAreas',
      title: 'Focus areas',
      type: 'array',
      group: 'details',
      description: 'Topics the hub covers, such as "digital" or "food and diet".',
      of: [defineArrayMember({type: 'string'})],
      options: {layout: 'tags'},
    }),
    defineField({
      name: 'source',
      title: 'Source of the definition',
      type: 'reference',
      group: 'relations',
      description: 'Optional: the organisation whose words the summary quotes.',
      to: [{type: 'organisation'}],
    }),
    defineField({
      name: 'complements',
      title: 'Complements',
      type: 'array',
      group: 'relations',
      description: 'Publications this hub builds on.',
      of: [defineArrayMember({type: 'reference', to: [{type: 'resource'}]})],
      validation: (rule) => rule.unique(),
    }),
    defineField({
      name: 'links',
      title: 'Links',
      type: 'array',
      group: 'relations',
      description: 'Further pages readers can go to from this hub.',
      of: [defineArrayMember({type: 'link'})],
    }),
    bodyField(),
    seoField(),
  ],
  preview: {
    select: {title: 'title', aims: 'aims'},
    prepare: ({title, aims}) => ({title, subtitle: Array.isArray(aims) && aims.length ? `${aims.length} aims` : 'Hub'}),
  },
})
