import {UsersIcon} from '@sanity/icons'
import {defineArrayMember, defineField, defineType} from 'sanity'

import {groups} from '../constants'
import {bodyField, externalUrlField, seoField, slugField, summaryField, titleField} from '../shared/fields'
import {referencesRegulator} from '../shared/validation'

/** One of the 14 allied health professions, with the regulator that holds its register. */
export const professionType = defineType({
  name: 'profession',
  title: 'Profession',
  type: 'document',
  icon: UsersIcon,
  groups: groups('content', 'details', 'seo'),
  fields: [
    titleField({description: 'The profession in the plural, as NHS England names it: "Physiotherapists".'}),
    slugField(),
    defineField({
      name: 'alsoKnownAs',
      title: 'Also known as',
      type: 'array',
      group: 'content',
      description: 'Other names readers search for, such as "chiropodists" for podiatrists.',
      of: [defineArrayMember({type: 'string'})],
      options: {layout: 'tags'},
    }),
    summaryField({description: 'One sentence on what this profession does, for cards and search results.'}),
    defineField({
      name: 'regulator',
      title: 'Regulator',
      type: 'reference',
      group: 'details',
      description: 'The statutory regulator that keeps the register for this profession.',
      to: [{type: 'organisation'}],
      options: {filter: 'kind == "regulator"'},
      validation: (rule) => [
        rule.required().error('Choose the regulator that keeps this profession\'s register'),
        rule.custom(referencesRegulator),
      ],
    }),
    defineField({
      name: 'protectedTitles',
      title: 'Protected titles',
      type: 'array',
      group: 'details',
      description: 'Titles only registered professionals may use, exactly as the regulator lists them.',
      of: [defineArrayMember({type: 'string'})],
      validation: (rule) => [
        rule.required().min(1).error('Add at least one protected title, as the regulator lists it'),
        rule.unique().error('Each protected title should appear once'),
      ],
    }),
    externalUrlField({
      name: 'careersUrl',
      title: 'Careers information',
      description: 'Optional: an NHS page about training and working in this profession.',
    }),
    bodyField(),
    seoField(),
  ],
  orderings: [{title: 'Name, A to Z', name: 'titleAsc', by: [{field: 'title', direction: 'asc'}]}],
  preview: {
    select: {title: 'title', regulator: 'regulator.shortName', regulatorName: 'regulator.title'},
    prepare: ({title, regulator, regulatorName}) => ({
      title,
      subtitle: regulator || regulatorName ? `Regulated by ${regulator ?? regulatorName}` : 'No regulator set',
    }),
  },
})
