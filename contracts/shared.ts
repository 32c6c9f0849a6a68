import {z} from 'zod'

/**
 * Shapes shared by the exported document contracts. Each carries a `meta` id so the generated
 * JSON Schema names it in `$defs` and `types.d.ts` gives it a named type.
 */

// 2: Portable Text gained images (a new item type in BlockContent) and the h4 style.
// 3: one word each: `route` is a page of this hub (expanded references and index entries said
//    `url`), `url` an address to fetch; image files are copied into the export (`asset.url` is
//    `assets/<file>`, relative to the export folder).
export const EXPORT_SCHEMA_VERSION = '3'

export const expandedReference = z
  .strictObject({
    _key: z.string().optional().describe('The array item key, when the reference sits in an array.'),
    _id: z.string().describe('The referenced document\'s id.'),
    _type: z.string().describe('The referenced document\'s type.'),
    title: z.string().describe('The referenced document\'s title (a person\'s name).'),
    slug: z.string().describe('The referenced document\'s slug.'),
    route: z.string().describe('The frontend route of the referenced document, such as /professions/dietitians.'),
  })
  .meta({id: 'ExpandedReference', description: 'A reference to another document, expanded with what a link to it needs.'})

export const span = z
  .strictObject({
    _type: z.literal('span'),
    _key: z.string(),
    text: z.string(),
    marks: z.array(z.string()).optional(),
  })
  .meta({id: 'PortableTextSpan', description: 'A run of text with its decorators and link mark keys.'})

export const internalLinkMark = z
  .strictObject({
    _type: z.literal('internalLink'),
    _key: z.string(),
    reference: expandedReference,
  })
  .meta({id: 'InternalLinkMark', description: 'A link to a page in this hub; its route is reference.route.'})

export const externalLinkMark = z
  .strictObject({
    _type: z.literal('link'),
    _key: z.string(),
    href: z.string(),
  })
  .meta({id: 'ExternalLinkMark', description: 'A link to another website.'})

export const block = z
  .strictObject({
    _type: z.literal('block'),
    _key: z.string(),
    style: z.enum(['normal', 'h2', 'h3', 'h4', 'blockquote']).optional(),
    listItem: z.enum(['bullet', 'number']).optional(),
    level: z.number().int().min(1).optional(),
    markDefs: z.array(z.discriminatedUnion('_type', [internalLinkMark, externalLinkMark])).optional(),
    children: z.array(span),
  })
  .meta({id: 'PortableTextBlock', description: 'A paragraph, heading, quote or list item of Portable Text.'})

export const imageAsset = z
  .strictObject({
    _id: z.string().describe('The asset document id, such as image-<sha1>-1200x800-jpg; what @sanity/image-url reads.'),
    url: z.string().describe('The copy of the image file in the export, relative to the export folder: assets/<sha1>-<w>x<h>.<ext>. Serve the export folder and it is at /assets/….'),
    width: z.number().optional().describe('Width of the image file in pixels.'),
    height: z.number().optional().describe('Height of the image file in pixels.'),
    mimeType: z.string().optional().describe('Such as image/jpeg.'),
  })
  .meta({id: 'ImageAsset', description: 'An uploaded image file: its asset reference expanded to its URL and dimensions.'})

export const imageHotspot = z
  .strictObject({
    _type: z.literal('sanity.imageHotspot').optional(),
    x: z.number(),
    y: z.number(),
    width: z.number(),
    height: z.number(),
  })
  .meta({id: 'ImageHotspot', description: 'The part of the image to keep in view when cropping, as fractions of its size (@sanity/image-url reads it).'})

export const imageCrop = z
  .strictObject({
    _type: z.literal('sanity.imageCrop').optional(),
    top: z.number(),
    bottom: z.number(),
    left: z.number(),
    right: z.number(),
  })
  .meta({id: 'ImageCrop', description: 'How much the editor cropped from each side, as fractions of its size (@sanity/image-url reads it).'})

export const image = z
  .strictObject({
    _type: z.literal('image'),
    _key: z.string(),
    asset: imageAsset,
    hotspot: imageHotspot.optional(),
    crop: imageCrop.optional(),
    alt: z.string().optional().describe('Alternative text: what the image shows, for people who cannot see it.'),
    decorative: z.boolean().optional().describe('True when the image adds nothing to the text: render it with alt="" so screen readers skip it.'),
    caption: z.string().optional().describe('Shown under the image.'),
  })
  .meta({id: 'PortableTextImage', description: 'An image in Portable Text. The HTML shows the whole image; apply crop and hotspot yourself if you build image URLs.'})

export const blockContent = z
  .array(z.discriminatedUnion('_type', [block, image]))
  .meta({id: 'BlockContent', description: 'Portable Text: the JSON a Portable Text renderer takes. Items are text blocks or images.'})

export const seo = z
  .strictObject({
    _type: z.literal('seo').optional(),
    metaTitle: z.string().optional(),
    metaDescription: z.string().optional(),
    noIndex: z.boolean().optional(),
  })
  .meta({id: 'Seo', description: 'Search engine and social sharing overrides.'})

export const link = z
  .strictObject({
    _type: z.literal('link'),
    _key: z.string().optional(),
    label: z.string().optional(),
    internal: expandedReference.optional(),
    url: z.string().optional(),
  })
  .meta({id: 'Link', description: 'A labelled link: internal.route for a page in this hub, url for another site.'})

export const referenceList = z.array(expandedReference)
export const stringList = z.array(z.string())
export const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD')

/** Fields every exported document has: Sanity's system fields, its slug and its frontend route. */
export function documentBase<Type extends string>(type: Type) {
  return {
    _id: z.string().describe('The document id, stable across exports.'),
    _type: z.literal(type),
    _rev: z.string().optional(),
    _createdAt: z.string().optional(),
    _updatedAt: z.string().optional(),
    slug: z.string().describe('The last part of the page address.'),
    route: z.string().describe('The frontend route of this document, from the route table.'),
  }
}

/** The `html` map of a document: one HTML string per Portable Text field, keyed by field path. */
export function htmlOf<const Paths extends readonly string[]>(...paths: Paths) {
  const shape: Record<string, z.ZodOptional<z.ZodString>> = {}
  for (const path of paths) shape[path] = z.string().optional().describe(`HTML of the Portable Text in ${path}, escaped, internal links mapped to routes.`)
  return z.strictObject(shape as {[P in Paths[number]]: z.ZodOptional<z.ZodString>}).describe('HTML of each Portable Text field, by field path.')
}
