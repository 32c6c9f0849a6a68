import {DocumentIcon, ImageIcon, LinkIcon} from '@sanity/icons'
import {defineArrayMember, defineField, defineType} from 'sanity'

import {webAddress} from '../shared/validation'

/** Document types an internal link may point to: each has a page of its own on the frontend. */
export const LINKABLE_TYPES = [
  'profession',
  'framework',
  'quickGuide',
  'caseExample',
  'cpdCategory',
  'hub',
  'guidance',
  'resource',
  'organisation',
  'person',
] as const

/**
 * Portable Text for guidance pages: headings, lists, emphasis, links to other pages in this hub,
 * links to other sites and images (a case example's photo, a diagram). The page title is the
 * h1, so body headings start at h2. Editorial checks (link text, heading order, alt text, style)
 * are attached where a body is used, by `withEditorialChecks`.
 */
export const blockContentType = defineType({
  name: 'blockContent',
  title: 'Body',
  type: 'array',
  of: [
    defineArrayMember({
      type: 'block',
      styles: [
        {title: 'Normal', value: 'normal'},
        {title: 'Heading', value: 'h2'},
        {title: 'Subheading', value: 'h3'},
        {title: 'Minor heading', value: 'h4'},
        {title: 'Quote', value: 'blockquote'},
      ],
      lists: [
        {title: 'Bullet list', value: 'bullet'},
        {title: 'Numbered list', value: 'number'},
      ],
      marks: {
        // No italics: the NHS content style guide does not use them (they are harder to read),
        // and without them both link buttons fit the toolbar from 1280 px wide.
        decorators: [{title: 'Bold', value: 'strong'}],
        annotations: [
          defineArrayMember({
            name: 'internalLink',
            title: 'Link to a page in this hub',
            type: 'object',
            icon: DocumentIcon,
            fields: [
              defineField({
                name: 'reference',
                title: 'Page',
                type: 'reference',
                description: 'The page in this hub the selected words link to.',
                to: LINKABLE_TYPES.map((type) => ({type})),
                validation: (rule) => rule.required().error('Choose the page this link goes to'),
              }),
            ],
          }),
          defineArrayMember({
            name: 'link',
            title: 'Link to another website',
            type: 'object',
            icon: LinkIcon,
            fields: [
              defineField({
                name: 'href',
                title: 'Web address (URL)',
                type: 'url',
                description: 'The full address, starting with https://.',
                validation: (rule) => [rule.required().error('Add the web address this link goes to'), webAddress(rule)],
              }),
            ],
          }),
        ],
      },
    }),
    defineArrayMember({
      type: 'image',
      title: 'Image',
      icon: ImageIcon,
      options: {hotspot: true},
      fields: [
        defineField({
          name: 'alt',
          title: 'Alternative text',
          type: 'string',
          description: 'What the image shows, for people who cannot see it. Leave empty only if the image is decorative.',
        }),
        defineField({
          name: 'decorative',
          title: 'Decorative image',
          type: 'boolean',
          description: 'Switch on if the image adds nothing to the text (a background pattern): screen readers then skip it.',
          initialValue: false,
        }),
        defineField({
          name: 'caption',
          title: 'Caption',
          type: 'string',
          description: 'Optional: shown under the image.',
        }),
      ],
      // the body's image blocks read as what they show, not "Untitled"
      preview: {
        select: {alt: 'alt', caption: 'caption', decorative: 'decorative', media: 'asset'},
        prepare: ({alt, caption, decorative, media}: {alt?: string; caption?: string; decorative?: boolean; media?: unknown}) => ({
          title: alt || (decorative ? 'Decorative image' : 'Image with no alternative text'),
          subtitle: caption,
          media: media as never,
        }),
      },
    }),
  ],
})
