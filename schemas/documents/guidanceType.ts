import {DocumentTextIcon} from '@sanity/icons'
import {defineArrayMember, defineField, defineType} from 'sanity'

import {groups} from '../constants'
import {bodyField, seoField, slugField, summaryField, titleField} from '../shared/fields'

function resourceList(name: string, title: string, description: string) {
  return defineField({
    name,
    title,
    type: 'array',
    group: 'relations',
    description,
    of: [defineArrayMember({type: 'reference', to: [{type: 'resource'}]})],
    validation: (rule) => rule.unique(),
  })
}

/** Advice for trusts and services, such as job planning for AHPs. */
export const guidanceType = defineType({
  name: 'guidance',
  title: 'Guidance',
  type: 'document',
  icon: DocumentTextIcon,
  groups: groups('content', 'relations', 'seo'),
  fields: [
    titleField(),
    slugField(),
    summaryField({required: true}),
    defineField({
      name: 'audience',
      title: 'Who it applies to',
      type: 'string',
      group: 'content',
      description: 'Which AHPs and services this guidance is for.',
    }),
    defineField({
      name: 'publisher',
      title: 'Published by',
      type: 'reference',
      group: 'relations',
      description: 'The organisation that publishes this guidance.',
      to: [{type: 'organisation'}],
    }),
    resourceList('supplements', 'Supplements', 'National guidance this guidance adds to.'),
    resourceList('replaces', 'Replaces', 'Earlier guidance this one replaces.'),
    resourceList('relatedStandards', 'Related reports and standards', 'Reports and standards this guidance helps meet.'),
    resourceList('tools', 'Tools to support', 'Templates and tools that help put the guidance into practice.'),
    bodyField(),
    seoField(),
  ],
  preview: {
    select: {title: 'title', audience: 'audience'},
    prepare: ({title, audience}) => ({title, subtitle: audience ?? 'Guidance'}),
  },
})
