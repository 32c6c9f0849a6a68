import {defineField} from 'sanity'

import type {GroupName} from '../constants'
import {webAddress, uniqueSlugInType} from './validation'

/**
 * Field factories used by most document types, so a title, slug or summary behaves the same
 * everywhere an editor meets it.
 */

export function titleField(options: {description?: string; group?: GroupName} = {}) {
  return defineField({
    name: 'title',
    title: 'Title',
    type: 'string',
    group: options.group ?? 'content',
    description: options.description ?? 'The name readers see in headings, lists and search results.',
    validation: (rule) => [
      rule.required().error('Add a title: it is shown in headings and lists'),
      rule.max(120).warning('Titles over 120 characters are hard to scan: shorten it'),
    ],
  })
}

export function slugField(options: {source?: string; group?: GroupName} = {}) {
  return defineField({
    name: 'slug',
    title: 'Web address',
    type: 'slug',
    group: options.group ?? 'content',
    description: 'The last part of the page address. Generate it from the title, then keep it: changing it breaks links.',
    // The built-in uniqueness check only warns; ours (below) is an error with a fix.
    options: {source: options.source ?? 'title', maxLength: 96, isUnique: () => true},
    validation: (rule) => [
      rule.required().error('Generate a web address (slug): pages cannot be linked to without one'),
      rule.custom(uniqueSlugInType).error(),
    ],
  })
}

export function summaryField(options: {description?: string; required?: boolean; group?: GroupName} = {}) {
  return defineField({
    name: 'summary',
    title: 'Summary',
    type: 'text',
    rows: 3,
    group: options.group ?? 'content',
    description: options.description ?? 'One or two plain sentences shown on cards and in search results.',
    validation: (rule) => [
      ...(options.required ? [rule.required().error('Add a summary: it is shown on cards and in search results')] : []),
      rule.max(300).warning('Summaries over 300 characters are cut off on cards'),
    ],
  })
}

export function bodyField(options: {description?: string; group?: GroupName} = {}) {
  return defineField({
    name: 'body',
    title: 'Body',
    type: 'blockContent',
    group: options.group ?? 'content',
    description: options.description ?? 'The main text. Use headings for sections and link words that say where they go.',
  })
}

export function externalUrlField(options: {name?: string; title?: string; description: string; required?: boolean; group?: GroupName}) {
  return defineField({
    name: options.name ?? 'url',
    title: options.title ?? 'Web address (URL)',
    type: 'url',
    group: options.group ?? 'details',
    description: options.description,
    validation: (rule) => [
      webAddress(rule),
      ...(options.required ? [rule.required().error('Add the full web address, starting with https://')] : []),
    ],
  })
}

export function seoField() {
  return defineField({
    name: 'seo',
    title: 'Search and sharing',
    type: 'seo',
    group: 'seo',
    description: 'Optional: how this page appears in search engines and when shared. Leave empty to use the title and summary.',
  })
}
