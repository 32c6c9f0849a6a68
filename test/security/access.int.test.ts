import {afterAll, beforeAll, describe, expect, test} from 'vitest'
import {startTestServer, type TestServer} from '../server/helpers.js'
import {description} from './helpers.js'

/** Who may read and change what: private datasets, system documents, sign-out. */

const V = '/v2025-02-19'
// a 1×1 PNG
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64')

let t: TestServer
let imagePath: string

beforeAll(async () => {
  t = await startTestServer()
  const admin = await t.request(`${V}/projects/local/datasets/secret`, {
    method: 'PUT',
    headers: {authorization: `Bearer ${t.adminToken}`, 'content-type': 'application/json'},
    body: JSON.stringify({aclMode: 'private'}),
  })
  expect(admin.status).toBe(200)
  const client = t.client({dataset: 'secret'})
  await client.create({_id: 'plan', _type: 'note', title: 'Unannounced workforce plan'})
  const asset = await client.assets.upload('image', PNG, {filename: 'p.png'})
  imagePath = new URL(asset.url).pathname
})
afterAll(() => t.close())

describe('a private dataset needs a token on every read path', () => {
  const paths = () => [
    ['query', `${V}/data/query/secret?query=*`],
    ['document', `${V}/data/doc/secret/plan`],
    ['listener', `${V}/data/listen/secret?query=*`],
    ['export', `${V}/data/export/secret`],
    ['history', `${V}/data/history/secret/transactions/plan`],
    ['history events', `${V}/data/history/secret/events/documents/plan`],
    ['ping', `${V}/data/ping/secret`],
    ['image', imagePath],
  ]

  test('anonymous: 401 on each, and the title never appears', async () => {
    for (const [name, path] of paths()) {
      const answer = await t.request(path as string)
      expect(answer.status, name).toBe(401)
      expect(answer.body, name).not.toContain('workforce')
    }
  })

  test('with a viewer token the same paths answer', async () => {
    const created = await t.request(`${V}/projects/local/tokens`, {
      method: 'POST',
      headers: {authorization: `Bearer ${t.adminToken}`, 'content-type': 'application/json'},
      body: JSON.stringify({role: 'viewer', label: 'reader'}),
    })
    const {key} = created.json() as {key: string}
    const query = await t.request(`${V}/data/query/secret?query=*[_id=="plan"][0].title`, {headers: {authorization: `Bearer ${key}`}})
    expect(query.json()).toMatchObject({result: 'Unannounced workforce plan'})
    const image = await t.request(imagePath, {headers: {authorization: `Bearer ${key}`}})
    expect(image.status).toBe(200)
  })

  test('a public dataset stays readable anonymously (published documents only)', async () => {
    await t.client().datasets.create('open')
    await t.client({dataset: 'open'}).create({_id: 'a', _type: 'note'})
    await t.client({dataset: 'open'}).create({_id: 'drafts.a', _type: 'note'})
    const answer = await t.request(`${V}/data/query/open?query=*._id&perspective=raw`)
    expect(answer.json()).toMatchObject({result: ['a']})
  })
})

describe('system documents change only through release actions', () => {
  test.each([
    ['create', {create: {_id: '_.releases.rogue', _type: 'system.release', state: 'active', metadata: {title: 'Rogue'}}}],
    ['createOrReplace', {createOrReplace: {_id: '_.releases.rogue', _type: 'system.release', state: 'published'}}],
    ['delete', {delete: {id: '_.releases.rogue'}}],
  ])('a %s of _.releases.* through /mutate is refused with 403', async (_name, mutation) => {
    const answer = await t.request(`${V}/data/mutate/secret`, {
      method: 'POST',
      headers: {authorization: `Bearer ${t.adminToken}`, 'content-type': 'application/json'},
      body: JSON.stringify({mutations: [mutation]}),
    })
    expect(answer.status).toBe(403)
    expect(description(answer.body)).toMatch(/release actions/)
  })

  test('a release made with release.create is stored', async () => {
    const answer = await t.request(`${V}/data/actions/secret`, {
      method: 'POST',
      headers: {authorization: `Bearer ${t.adminToken}`, 'content-type': 'application/json'},
      body: JSON.stringify({actions: [{actionType: 'sanity.action.release.create', releaseId: 'rwinter', metadata: {title: 'Winter', releaseType: 'asap'}}]}),
    })
    expect(answer.status).toBe(200)
    const stored = await t.client({dataset: 'secret'}).getDocument('_.releases.rwinter')
    expect(stored?.metadata).toMatchObject({title: 'Winter'})
  })
})

describe('sign-out', () => {
  test('/auth/logout with an API token leaves the token working', async () => {
    const created = await t.request(`${V}/projects/local/tokens`, {
      method: 'POST',
      headers: {authorization: `Bearer ${t.adminToken}`, 'content-type': 'application/json'},
      body: JSON.stringify({role: 'editor', label: 'deploy script'}),
    })
    const {key} = created.json() as {key: string}
    const out = await t.request('/auth/logout', {method: 'POST', headers: {authorization: `Bearer ${key}`, origin: t.server.url}})
    expect(out.status).toBeLessThan(500)
    const after = await t.request(`${V}/data/query/secret?query=1`, {headers: {authorization: `Bearer ${key}`}})
    expect(after.status).toBe(200)
    const admin = await t.request('/auth/logout', {method: 'POST', headers: {authorization: `Bearer ${t.adminToken}`, origin: t.server.url}})
    expect(admin.status).toBeLessThan(500)
    expect((await t.request(`${V}/data/query/secret?query=1`, {headers: {authorization: `Bearer ${t.adminToken}`}})).status).toBe(200)
  })
})
