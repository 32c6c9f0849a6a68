import {LaunchIcon} from '@sanity/icons'
import {defineField, defineType} from 'sanity'

import {RESOURCE_KINDS, groups} from '../constants'
import {slugField, titleField} from '../shared/fields'
import {webAddress} from '../shared/validation'

const KIND_TITLES: Record<string, string> = Object.fromEntries(RESOURCE_KINDS.map((k) => [k.value, k.title]))

/** A publication, page or tool outside this hub that guidance links to. */
export const resourceType = defineType({
  name: 'resource',
  title: 'Resource',
  type: 'document',
  icon: LaunchIcon,
  groups: groups('content', 'details'),
  fields: [
    titleField({description: 'The resource\'s own title, as its publisher gives it.'}),
    slugField(),
    defineField({
      name: 'kind',
      title: 'Kind of resource',
      type: 'string',
      group: 'content',
      description: 'What readers will find when they follow the link.',
      options: {list: [...RESOURCE_KINDS]},
      validation: (rule) => rule.required().error('Choose what kind of resource this is'),
    }),
    defineField({
      name: 'description',
      title: 'Description',
      type: 'text',
      rows: 3,
      group: 'content',
      description: 'One or two sentences on what the resource offers.',
    }),
    defineField({
      name: 'url',
      title: 'Web address (URL)',
      type: 'url',
      group: 'details',
      description: 'Where readers find the resource. Must start with https://.',
      // A missing address is the editorial check resource-address (a warning an editor can override with a reason).
      validation: (rule) => webAddress(rule),
    }),
    defineField({
      name: 'publisher',
      title: 'Published by',
      type: 'reference',
      group: 'details',
      description: 'The organisation that publishes the resource.',
      to: [{type: 'organisation'}],
    }),
    defineField({
      name: 'publishedYear',
      title: 'Year published',
      type: 'number',
      group: 'details',
      description: 'Optional: the year the resource was published.',
      validation: (rule) => rule.integer().min(1948).max(2100).error('Give a four-digit year'),
    }),
  ],
  preview: {
    select: {title: 'title', kind: 'kind', publisher: 'publisher.title'},
    prepare: ({title, kind, publisher}) => ({
      title,
      subtitle: [KIND_TITLES[kind as string], publisher].filter(Boolean).join(' · '),
    }),
  },
})
