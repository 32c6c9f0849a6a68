import type {SchemaTypeDefinition} from 'sanity'

import * as documents from './documents'
import {blockContentType, linkType, seoType} from './objects'

/** Every document type, by name: the registry that `content:validate` refuses unknown types against. */
export const documentTypes = Object.values(documents)
export const objectTypes = [blockContentType, linkType, seoType]

export const schemaTypes: SchemaTypeDefinition[] = [...documentTypes, ...objectTypes]

export const DOCUMENT_TYPE_NAMES: readonly string[] = documentTypes.map((type) => type.name)

export {LINKABLE_TYPES} from './objects'
