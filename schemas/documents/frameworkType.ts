import {BookIcon} from '@sanity/icons'
import {defineArrayMember, defineField, defineType} from 'sanity'

import {FrameworkLifecycleNotice} from '../../studio/badges/LifecycleNotice'
import {RadioKeepsChoice} from '../../studio/RadioKeepsChoice'
import {FRAMEWORK_STATUSES, groups} from '../constants'
import {bodyField, externalUrlField, seoField, slugField, summaryField, titleField} from '../shared/fields'
import {expiresAfterValidFrom} from '../shared/validation'

const STATUS_TITLES: Record<string, string> = Object.fromEntries(FRAMEWORK_STATUSES.map((s) => [s.value, s.title]))

/** A national strategy or framework for AHPs, such as AHPs into Action, with its lifecycle. */
export const frameworkType = defineType({
  name: 'framework',
  title: 'Strategy or framework',
  type: 'document',
  icon: BookIcon,
  // the Expired and Superseded badges' reasons, above the fields (studio/badges)
  components: {input: FrameworkLifecycleNotice},
  groups: groups('content', 'details', 'publishing', 'relations', 'seo'),
  fields: [
    titleField(),
    slugField(),
    summaryField({required: true}),
    defineField({
      name: 'status',
      title: 'Status',
      type: 'string',
      group: 'publishing',
      description: 'Whether this is the strategy in force, one being written, or one that has ended.',
      options: {list: [...FRAMEWORK_STATUSES], layout: 'radio'},
      // in error (framework-expired-current) the chosen status stays visible
      components: {input: RadioKeepsChoice},
      initialValue: 'inDevelopment',
      // "Current" after the expiry date is the editorial check framework-expired-current (editorial/rules).
      validation: (rule) => rule.required().error('Choose a status so readers know whether this framework is in force'),
    }),
    defineField({
      name: 'validFrom',
      title: 'Valid from',
      type: 'date',
      group: 'publishing',
      description: 'The first day this framework applies. Leave empty while it is in development.',
    }),
    defineField({
      name: 'expiresAt',
      title: 'Expires on',
      type: 'date',
      group: 'publishing',
      description: 'The last day this framework applies. After it, the status cannot be "Current".',
      validation: (rule) => rule.custom(expiresAfterValidFrom),
    }),
    defineField({
      name: 'supersedes',
      title: 'Replaces',
      type: 'reference',
      group: 'relations',
      description: 'The earlier framework this one replaces, if any.',
      to: [{type: 'framework'}],
    }),
    defineField({
      name: 'partOf',
      title: 'Part of',
      type: 'reference',
      group: 'relations',
      description: 'The wider strategy this framework delivers a priority of, if any.',
      to: [{type: 'framework'}],
    }),
    defineField({
      name: 'publisher',
      title: 'Published by',
      type: 'reference',
      group: 'relations',
      description: 'The organisation that publishes this framework.',
      to: [{type: 'organisation'}],
    }),
    defineField({
      name: 'offers',
      title: 'What it offers',
      type: 'array',
      group: 'content',
      description: 'Short points on what the framework gives its readers, one a line.',
      of: [defineArrayMember({type: 'string'})],
    }),
    defineField({
      name: 'priorityCount',
      title: 'Number of priorities',
      type: 'number',
      group: 'details',
      description: 'How many priorities the framework sets, as it states it, even if not all are listed below.',
      validation: (rule) => rule.integer().min(1).error('Give a whole number of priorities, 1 or more'),
    }),
    defineField({
      name: 'priorities',
      title: 'Priorities',
      type: 'array',
      group: 'details',
      description: 'The framework\'s priorities. Case examples and other frameworks can point to one.',
      of: [
        defineArrayMember({
          name: 'priority',
          title: 'Priority',
          type: 'object',
          fields: [
            defineField({
              name: 'title',
              title: 'Priority',
              type: 'string',
              description: 'The priority in the framework\'s own words.',
              validation: (rule) => rule.required().error('Write the priority in the framework\'s own words'),
            }),
            defineField({
              name: 'description',
              title: 'Description',
              type: 'text',
              rows: 2,
              description: 'Optional: what the priority means in practice.',
            }),
          ],
        }),
      ],
      validation: (rule) =>
        rule.custom((priorities, context) => {
          const count = (context.document as {priorityCount?: number} | undefined)?.priorityCount
          if (!Array.isArray(priorities) || typeof count !== 'number') return true
          return priorities.length <= count || `The framework has ${count} priorities, but ${priorities.length} are listed: correct the number or the list`
        }),
    }),
    defineField({
      name: 'goals',
      title: 'Goals',
      type: 'array',
      group: 'details',
      description: 'What services look like when the framework has done its work, one a line.',
      of: [defineArrayMember({type: 'string'})],
    }),
    defineField({
      name: 'examplesCount',
      title: 'Examples of practice (at least)',
      type: 'number',
      group: 'details',
      description: 'How many examples of practice the framework includes, as it states it ("over 50" is 50).',
      validation: (rule) => rule.integer().min(0),
    }),
    defineField({
      name: 'development',
      title: 'How it was developed',
      type: 'object',
      group: 'details',
      description: 'The evidence and engagement behind the framework.',
      fields: [
        defineField({name: 'summary', title: 'Summary', type: 'text', rows: 3, description: 'How the framework was produced.'}),
        defineField({
          name: 'contributionCount',
          title: 'Contributions received (at least)',
          type: 'number',
          description: 'How many contributions the engagement received ("over 16,000" is 16000).',
          validation: (rule) => rule.integer().min(0),
        }),
        defineField({name: 'contributionChannel', title: 'Where contributions were made', type: 'string', description: 'For example "online workshop".'}),
        defineField({
          name: 'contributionYear',
          title: 'Year of engagement',
          type: 'number',
          description: 'The year contributions were collected.',
          validation: (rule) => rule.integer().min(1948).max(2100),
        }),
      ],
    }),
    defineField({
      name: 'implementation',
      title: 'Implementation programme',
      type: 'object',
      group: 'details',
      description: 'The programme that puts the framework into practice.',
      fields: [
        defineField({name: 'summary', title: 'Summary', type: 'text', rows: 3, description: 'What the programme offers.'}),
        defineField({
          name: 'durationYears',
          title: 'Length in years',
          type: 'number',
          description: 'How many years the programme runs.',
          validation: (rule) => rule.integer().min(1),
        }),
      ],
    }),
    defineField({
      name: 'getInvolved',
      title: 'Get involved',
      type: 'object',
      group: 'content',
      description: 'How readers can share their work and join the conversation.',
      fields: [
        defineField({
          name: 'hashtag',
          title: 'Hashtag',
          type: 'string',
          description: 'The hashtag for the conversation, starting with #.',
          validation: (rule) => rule.regex(/^#\w+$/, {name: 'hashtag'}).error('Start the hashtag with # and use no spaces'),
        }),
        defineField({name: 'steps', title: 'Ways to get involved', type: 'blockContent', description: 'A short list of actions readers can take.'}),
        defineField({
          name: 'contactEmail',
          title: 'Contact email',
          type: 'string',
          description: 'The address for questions and ideas.',
          validation: (rule) => rule.email().error('Enter a valid email address, like name@nhs.net'),
        }),
      ],
    }),
    externalUrlField({description: 'Optional: where the full framework is published.'}),
    bodyField(),
    seoField(),
  ],
  orderings: [
    {title: 'Newest first', name: 'validFromDesc', by: [{field: 'validFrom', direction: 'desc'}]},
    {title: 'Title, A to Z', name: 'titleAsc', by: [{field: 'title', direction: 'asc'}]},
  ],
  preview: {
    select: {title: 'title', status: 'status', validFrom: 'validFrom', expiresAt: 'expiresAt'},
    prepare: ({title, status, validFrom, expiresAt}) => {
      const dates = validFrom || expiresAt ? ` · ${validFrom ?? '…'} to ${expiresAt ?? '…'}` : ''
      return {title, subtitle: `${STATUS_TITLES[status as string] ?? 'No status'}${dates}`}
    },
  },
})
