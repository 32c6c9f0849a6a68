import type {SchemaTypeDefinition} from 'sanity'

import {withEditorialChecks} from '../editorial/sanity'

import * as documents from './documents'
import {blockContentType, linkType, seoType} from './objects'

/** Every document type, by name: the registry that `content:validate` refuses unknown types against. */
export const documentTypes = Object.values(documents)
export const objectTypes = [blockContentType, linkType, seoType]

/**
 * The schema the Studio and the CLI use: every type, with the editorial checks (editorial/rules)
 * attached to each field they read and an "Editorial check overrides" field on every document.
 */
export const schemaTypes: SchemaTypeDefinition[] = withEditorialChecks([...documentTypes, ...objectTypes])

export const DOCUMENT_TYPE_NAMES: readonly string[] = documentTypes.map((type) => type.name)

export {LINKABLE_TYPES} from './objects'
