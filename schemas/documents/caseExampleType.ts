import {CaseIcon} from '@sanity/icons'
import {defineArrayMember, defineField, defineType} from 'sanity'

import {groups} from '../constants'
import {bodyField, seoField, slugField, summaryField, titleField} from '../shared/fields'

/** An example of innovative AHP practice, linked to the profession and framework priority it shows. */
export const caseExampleType = defineType({
  name: 'caseExample',
  title: 'Case example',
  type: 'document',
  icon: CaseIcon,
  groups: groups('content', 'relations', 'seo'),
  fields: [
    titleField(),
    slugField(),
    summaryField({required: true}),
    defineField({
      name: 'profession',
      title: 'Profession',
      type: 'reference',
      group: 'relations',
      description: 'The profession whose practice this example shows.',
      to: [{type: 'profession'}],
      validation: (rule) => rule.required().error('Choose the profession this example is about'),
    }),
    defineField({
      name: 'framework',
      title: 'Framework',
      type: 'reference',
      group: 'relations',
      description: 'Optional: the framework this example illustrates.',
      to: [{type: 'framework'}],
    }),
    defineField({
      name: 'priority',
      title: 'Framework priority',
      type: 'string',
      group: 'relations',
      description: 'Optional: the framework priority this example shows, in the framework\'s words.',
      validation: (rule) =>
        rule.custom((priority, context) => {
          const framework = (context.document as {framework?: unknown} | undefined)?.framework
          return !priority || Boolean(framework) || 'Choose the framework this priority belongs to'
        }),
    }),
    defineField({
      name: 'setting',
      title: 'Setting',
      type: 'string',
      group: 'content',
      description: 'Where the work happens, such as "care homes" or "acute hospital".',
      validation: (rule) => rule.required().error('Say where this practice happens, such as "care homes"'),
    }),
    defineField({
      name: 'outcomes',
      title: 'Outcomes',
      type: 'array',
      group: 'content',
      description: 'What changed for patients, staff or services, one a line.',
      of: [defineArrayMember({type: 'string'})],
      validation: (rule) => rule.required().min(1).error('Add at least one outcome: what changed because of this work'),
    }),
    bodyField(),
    seoField(),
  ],
  preview: {
    select: {title: 'title', profession: 'profession.title', setting: 'setting'},
    prepare: ({title, profession, setting}) => ({title, subtitle: [profession, setting].filter(Boolean).join(' · ')}),
  },
})
