import {z} from 'zod'

import {caseExampleContract} from './caseExample'
import {cpdCategoryContract} from './cpdCategory'
import {frameworkContract} from './framework'
import {guidanceContract} from './guidance'
import {hubContract} from './hub'
import {organisationContract} from './organisation'
import {personContract} from './person'
import {professionContract} from './profession'
import {quickGuideContract} from './quickGuide'
import {resourceContract} from './resource'
import {EXPORT_SCHEMA_VERSION, expandedReference} from './shared'

/**
 * Contracts of what `content:export` writes: one zod schema per exported document type, the
 * per-type index and the manifest. The export validates every document against its contract
 * before writing, and generates `schema/*.json` and `types.d.ts` from these.
 */
export const documentContracts = {
  caseExample: caseExampleContract,
  cpdCategory: cpdCategoryContract,
  framework: frameworkContract,
  guidance: guidanceContract,
  hub: hubContract,
  organisation: organisationContract,
  person: personContract,
  profession: professionContract,
  quickGuide: quickGuideContract,
  resource: resourceContract,
} as const

export type ExportedTypeName = keyof typeof documentContracts

export const indexEntryContract = expandedReference
  .omit({_key: true})
  .extend({
    summary: z.string().optional().describe('The document\'s summary or description, for cards.'),
    _updatedAt: z.string().optional(),
  })
  .meta({id: 'IndexEntry', description: 'One document in a per-type index: enough to list and link to it.'})

export const typeIndexContract = z.array(indexEntryContract).meta({id: 'TypeIndex', description: 'Every exported document of one type, by _id.'})

export const manifestContract = z
  .strictObject({
    schemaVersion: z.literal(EXPORT_SCHEMA_VERSION).describe('Version of the exported shapes; changes when a contract changes incompatibly.'),
    schemaHash: z.string().describe('sha256 of the JSON Schema files in schema/, so a frontend can tell when the shapes changed.'),
    perspective: z.enum(['published', 'drafts']),
    generatedAt: z
      .string()
      .nullable()
      .describe('The newest _updatedAt among the exported documents (not the clock, so the same input gives the same bytes); null when none has one.'),
    contentHash: z.string().describe('sha256 of dataset.ndjson: changes exactly when the exported documents change.'),
    total: z.number().int(),
    counts: z.record(z.string(), z.number().int()).describe('Exported documents per type, for every type in the schema.'),
    routes: z.record(z.string(), z.string()).describe('The frontend route pattern of each type, such as /professions/{slug}.'),
  })
  .meta({id: 'Manifest', description: 'What an export holds: the manifest.json at its root.'})

export {EXPORT_SCHEMA_VERSION} from './shared'
export type ExportedDocument = {[T in ExportedTypeName]: z.infer<(typeof documentContracts)[T]>}[ExportedTypeName]
export type IndexEntry = z.infer<typeof indexEntryContract>
export type Manifest = z.infer<typeof manifestContract>
