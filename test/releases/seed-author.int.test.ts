import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, expect, test} from 'vitest'
import {seedDataset} from '../../server/seed.js'
import {startTestServer, type TestServer} from '../server/helpers.js'

/** History names who made a change: seeded documents were published by the seed import, not by the administrator's token. */

const ROOT = join(import.meta.dirname, '..', '..')
let t: TestServer

beforeAll(async () => {
  t = await startTestServer()
  seedDataset(t.server.store, 'production', readFileSync(join(ROOT, 'content', 'dataset.ndjson'), 'utf8'))
})
afterAll(() => t.close())

test("a seeded document's history names the seed import, and the Studio's user lookup gives it a name", async () => {
  const history = await t.request('/v2025-02-19/data/history/production/transactions/profession-physiotherapists?excludeContent=true', {
    headers: {authorization: `Bearer ${t.adminToken}`},
  })
  const author = (JSON.parse(history.body.trim().split('\n')[0] ?? '{}') as {author?: string}).author
  expect(author).toBe('p-seed')
  const user = await t.request(`/v2025-02-19/users/${author}`, {headers: {authorization: `Bearer ${t.adminToken}`}})
  expect(user.json()).toMatchObject({displayName: 'Seed content import'})
})

test('an API token is named by its label, so a change by a script says which script', async () => {
  const created = await t.request('/v2025-02-19/projects/local/tokens', {
    method: 'POST',
    headers: {authorization: `Bearer ${t.adminToken}`, 'content-type': 'application/json'},
    body: JSON.stringify({role: 'editor', label: 'content import'}),
  })
  const {id} = created.json() as {id: string}
  const user = await t.request(`/v2025-02-19/users/p-${id}`, {headers: {authorization: `Bearer ${t.adminToken}`}})
  expect(user.json()).toMatchObject({displayName: 'content import (API token)'})
})
