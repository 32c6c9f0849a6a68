import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, test} from 'vitest'

import {schemaReleaseValidator} from '../../server/releaseValidation'
import {FileSource, parseNdjson} from '../../sources'
import {validateSource} from '../../validation/validateDataset'

/** Images are content: an image in a body refers to its asset document, which validates like any target. */

const IMAGES = join(import.meta.dirname, '..', 'fixtures', 'export', 'valid-images.ndjson')
const PHOTO = 'image-0a1b2c3d4e5f60718293a4b5c6d7e8f901234567-1200x800-jpg'
const {documents} = parseNdjson(readFileSync(IMAGES, 'utf8'))

describe('image assets in content:validate and release validation', () => {
  test('a body image whose asset document is in the dataset has no integrity error', async () => {
    const report = await validateSource(FileSource.fromDocuments(documents))
    expect(report.problems.filter((p) => p.check === 'integrity')).toEqual([])
  })

  test('an image whose asset document is missing names the document, the field and the fix', async () => {
    const report = await validateSource(FileSource.fromDocuments(documents.filter((doc) => doc._id !== PHOTO)))
    expect(report.problems.filter((p) => p.check === 'integrity')).toEqual([
      expect.objectContaining({
        level: 'error',
        documentId: 'case-example-ward-team',
        path: 'body[_key=="i1"].asset',
        message: `uses image asset "${PHOTO}", which is not in the dataset: upload the image again in the Studio, or remove it`,
      }),
    ])
  })

  test('a release publishing a document with an image is not held back by the image, and is by a missing asset', async () => {
    const assetProblems = async (docs: typeof documents) => {
      const problems = await schemaReleaseValidator({releaseId: 'r1', documents: docs, changedIds: ['case-example-ward-team'], unpublishedIds: []})
      return problems.filter((problem) => problem.message.includes('image-'))
    }
    expect(await assetProblems(documents)).toEqual([])
    expect(await assetProblems(documents.filter((doc) => doc._id !== PHOTO))).toEqual([
      expect.objectContaining({documentId: 'case-example-ward-team', path: 'body[_key=="i1"].asset'}),
    ])
  })
})
