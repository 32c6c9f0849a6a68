import {join} from 'node:path'

import {expect, test} from 'vitest'

import {checkDataset} from '../../editorial/dataset'
import {ruleById} from '../../editorial/rules'
import {FileSource, type StoredDocument} from '../../sources'
import {validateSource} from '../../validation/validateDataset'

/**
 * CI refuses a dataset that breaks the hard rules: the seed content must pass every editorial
 * check, and every warning it still has must be switched off with a reason an editor can read.
 */

const seed = new FileSource(join(import.meta.dirname, '..', '..', 'content', 'dataset.ndjson'))

test('the seed content has no errors and no warnings left unexplained', async () => {
  const report = await validateSource(seed)
  expect(report.problems).toEqual([])
  expect(report.overridden).toBeGreaterThan(0)
})

test('each override in the seed names a real check, a field the check found something in, and a reason', async () => {
  const documents = await seed.fetch<StoredDocument[]>('*', {}, {perspective: 'raw'})
  const results = new Map(checkDataset(documents).map((result) => [result.documentId, result]))
  for (const document of documents) {
    const overrides = (document.editorialOverrides ?? []) as {rule?: string; field?: string; reason?: string}[]
    for (const override of overrides) {
      const where = `${document._id} ${override.rule} ${override.field ?? '(whole page)'}`
      expect(ruleById(override.rule ?? ''), where).toBeDefined()
      expect(override.reason?.trim().length ?? 0, where).toBeGreaterThanOrEqual(40)
      // An override that switches nothing off is a stale note: remove it when the text is fixed.
      const used = results.get(document._id)!.overridden.some((finding) => finding.ruleId === override.rule && (!override.field || finding.path[0] === override.field))
      expect(used, `${where} switches nothing off`).toBe(true)
    }
  }
})
