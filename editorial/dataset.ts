import {schemaTypes} from '../schemas'
import {checkDocuments, type CheckOptions, type DocumentFindings, type DocumentLike} from './engine'
import {buildPlan, type SchemaNode} from './schemaKinds'

/**
 * The editorial checks over whole datasets, for the CLI, the report and the benchmark. Node side
 * only: it reads the schema definitions to know which fields to check (the Studio gets the same
 * rules through field validation instead).
 */

export const DOCUMENT_PLAN = buildPlan(schemaTypes as unknown as SchemaNode[])

/** Findings for every document of a known type, in the order given. */
export function checkDataset(documents: Iterable<DocumentLike>, options: CheckOptions = {}): DocumentFindings[] {
  return checkDocuments(documents, DOCUMENT_PLAN, options)
}
