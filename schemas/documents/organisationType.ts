import {HomeIcon} from '@sanity/icons'
import {defineField, defineType} from 'sanity'

import {ORGANISATION_KINDS, groups} from '../constants'
import {externalUrlField, slugField, titleField} from '../shared/fields'

const KIND_TITLES: Record<string, string> = Object.fromEntries(ORGANISATION_KINDS.map((k) => [k.value, k.title]))

/** An organisation that regulates, publishes or provides information: NHS England, the HCPC, and others. */
export const organisationType = defineType({
  name: 'organisation',
  title: 'Organisation',
  type: 'document',
  icon: HomeIcon,
  groups: groups('content', 'details'),
  fields: [
    titleField({description: 'The organisation\'s full name: "Health and Care Professions Council".'}),
    slugField(),
    defineField({
      name: 'shortName',
      title: 'Short name',
      type: 'string',
      group: 'content',
      description: 'Optional: the abbreviation readers know, such as "HCPC".',
    }),
    defineField({
      name: 'kind',
      title: 'Kind of organisation',
      type: 'string',
      group: 'content',
      description: 'Regulators can be chosen as a profession\'s regulator; other kinds cannot.',
      options: {list: [...ORGANISATION_KINDS]},
      validation: (rule) => rule.required().error('Choose what kind of organisation this is'),
    }),
    defineField({
      name: 'description',
      title: 'Description',
      type: 'text',
      rows: 2,
      group: 'content',
      description: 'Optional: one sentence on what the organisation does.',
    }),
    externalUrlField({description: 'The organisation\'s website.'}),
  ],
  preview: {
    select: {title: 'title', shortName: 'shortName', kind: 'kind'},
    prepare: ({title, shortName, kind}) => ({
      title: shortName ? `${title} (${shortName})` : title,
      subtitle: KIND_TITLES[kind as string],
    }),
  },
})
