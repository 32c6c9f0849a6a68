import {isReferenceSchemaType, pathToString, type Path, type SchemaType} from 'sanity'

import {isDraftId, isVersionId, publishedIdOf, type StoredDocument} from '../sources'
import type {Problem} from './problem'

function withArticle(word: string): string {
  return `${/^[aeiou]/i.test(word) ? 'an' : 'a'} ${word}`
}

const ASSET_TYPES: Record<string, string> = {'sanity.imageAsset': 'image', 'sanity.fileAsset': 'file'}

function missingMessage(reference: FoundReference): string {
  const asset = reference.allowedTypes.map((type) => ASSET_TYPES[type]).find(Boolean)
  if (asset) return `uses ${asset} asset "${reference.ref}", which is not in the dataset: upload the ${asset} again in the Studio, or remove it`
  return `refers to "${reference.ref}", which does not exist: point it at an existing ${reference.allowedTypes.join(' or ')}, or remove it`
}

interface FoundReference {
  path: Path
  ref: string
  allowedTypes: string[]
  weak: boolean
}

/**
 * Walk a value alongside its schema type and collect every reference with the types the schema
 * allows it to point to. The schema is the one definition; nothing here lists fields by hand.
 */
export function collectReferences(value: unknown, type: SchemaType, path: Path = [], found: FoundReference[] = []): FoundReference[] {
  if (value === null || value === undefined) return found
  if (isReferenceSchemaType(type)) {
    const ref = (value as {_ref?: unknown})._ref
    if (typeof ref === 'string') {
      found.push({path, ref, allowedTypes: type.to.map((to) => to.name), weak: (value as {_weak?: boolean})._weak === true})
    }
    return found
  }
  if (type.jsonType === 'object' && typeof value === 'object' && !Array.isArray(value)) {
    for (const field of type.fields) {
      collectReferences((value as Record<string, unknown>)[field.name], field.type, [...path, field.name], found)
    }
    return found
  }
  if (type.jsonType === 'array' && Array.isArray(value)) {
    value.forEach((item: unknown, index) => {
      const itemType = (item as {_type?: unknown} | null)?._type
      const member =
        type.of.find((candidate) => candidate.name === itemType) ??
        (typeof item === 'object' && item !== null ? type.of.find((candidate) => candidate.jsonType === 'object') : undefined)
      if (!member) return
      const key = (item as {_key?: unknown} | null)?._key
      collectReferences(item, member, [...path, typeof key === 'string' ? {_key: key} : index], found)
    })
  }
  return found
}

/**
 * Checks across documents that a single document's rules cannot see: every reference resolves
 * to a document of an allowed type, and every draft has a published document (a warning:
 * normal in the Studio, but odd in a dataset to import). Slug uniqueness is the schema's own
 * rule, which queries the dataset being checked.
 *
 * `documents` is the whole dataset, Sanity's own documents included: an image's `asset` is a
 * reference to a `sanity.imageAsset` (a file's to a `sanity.fileAsset`), so assets are targets
 * like any document. Only documents of the schema's types (`typeOf` knows them) are checked.
 */
export function checkIntegrity(documents: readonly StoredDocument[], typeOf: (name: string) => SchemaType | undefined): Problem[] {
  const problems: Problem[] = []
  const typeById = new Map<string, string>()
  for (const doc of documents) {
    if (!isDraftId(doc._id) && !isVersionId(doc._id)) typeById.set(doc._id, doc._type)
  }
  for (const doc of documents) {
    const type = typeOf(doc._type)
    if (!type) continue
    if (isDraftId(doc._id) && !typeById.has(publishedIdOf(doc._id))) {
      problems.push({
        level: 'warning',
        check: 'integrity',
        documentId: doc._id,
        documentType: doc._type,
        message: `draft has no published document "${publishedIdOf(doc._id)}": publish it or discard the draft`,
      })
    }
    for (const reference of collectReferences(doc, type)) {
      const targetType = typeById.get(reference.ref)
      const where = pathToString(reference.path)
      if (targetType === undefined) {
        if (reference.weak) continue
        problems.push({
          level: 'error',
          check: 'integrity',
          documentId: doc._id,
          documentType: doc._type,
          path: where,
          message: missingMessage(reference),
        })
      } else if (!reference.allowedTypes.includes(targetType)) {
        problems.push({
          level: 'error',
          check: 'integrity',
          documentId: doc._id,
          documentType: doc._type,
          path: where,
          message: `refers to "${reference.ref}", which is ${withArticle(targetType)}, but only ${reference.allowedTypes.join(' or ')} is allowed here: choose a document of the right type`,
        })
      }
    }
  }
  return problems
}
