import {UserIcon} from '@sanity/icons'
import {defineField, defineType} from 'sanity'

import {groups} from '../constants'
import {externalUrlField, slugField} from '../shared/fields'

/** A named national lead, such as the Chief Allied Health Professions Officer. */
export const personType = defineType({
  name: 'person',
  title: 'Person',
  type: 'document',
  icon: UserIcon,
  groups: groups('content', 'details'),
  fields: [
    defineField({
      name: 'name',
      title: 'Name',
      type: 'string',
      group: 'content',
      description: 'The person\'s name as they use it publicly.',
      validation: (rule) => rule.required().error('Add the person\'s name'),
    }),
    slugField({source: 'name'}),
    defineField({
      name: 'role',
      title: 'Role',
      type: 'string',
      group: 'content',
      description: 'Their national role, such as "Chief Allied Health Professions Officer".',
      validation: (rule) => rule.required().error('Add the person\'s role'),
    }),
    defineField({
      name: 'organisation',
      title: 'Organisation',
      type: 'reference',
      group: 'details',
      description: 'Where they hold that role.',
      to: [{type: 'organisation'}],
    }),
    defineField({
      name: 'twitterHandle',
      title: 'Twitter handle',
      type: 'string',
      group: 'details',
      description: 'Optional: their handle on Twitter (X), starting with @.',
      validation: (rule) =>
        rule.regex(/^@\w{1,15}$/, {name: 'Twitter handle'}).error('Start with @ and use up to 15 letters, numbers or underscores'),
    }),
    externalUrlField({name: 'profileUrl', title: 'Profile page', description: 'Optional: an official page about them.'}),
  ],
  preview: {
    select: {title: 'name', subtitle: 'role'},
  },
})
