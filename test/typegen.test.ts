import {join} from 'node:path'

import {expect, test} from 'vitest'

import {staleFiles} from '../scripts/typegen'

// Frontends import sanity.types.ts; a schema or query change that was not regenerated would
// hand them wrong types without any error.
test('the committed schema.json and sanity.types.ts match the schema and queries', {timeout: 400_000}, async () => {
  expect(await staleFiles(join(import.meta.dirname, '..'))).toEqual([])
})
