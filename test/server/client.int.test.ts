import {applyPatch} from 'mendoza'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'
import type {MutationEvent, SanityClient} from '@sanity/client'
import {startTestServer, type TestServer} from './helpers.js'

let t: TestServer
let client: SanityClient

beforeAll(async () => {
  t = await startTestServer()
  t.server.store.create('test')
  client = t.client()
  await client
    .transaction()
    .createOrReplace({_id: 'profession-physio', _type: 'profession', title: 'Physiotherapists', regulator: 'HCPC'})
    .createOrReplace({_id: 'drafts.profession-physio', _type: 'profession', title: 'Physiotherapists (draft)', regulator: 'HCPC'})
    .createOrReplace({_id: 'drafts.profession-osteo', _type: 'profession', title: 'Osteopaths', regulator: 'GOsC'})
    .createOrReplace({_id: 'org-hcpc', _type: 'organisation', name: 'HCPC'})
    .commit()
})

afterAll(async () => {
  await t.close()
})

describe('queries', () => {
  test('fetch with $params', async () => {
    const result = await client.fetch<string[]>('*[_type == $type && regulator == $reg]._id', {type: 'profession', reg: 'HCPC'}, {perspective: 'raw'})
    expect(result.sort()).toEqual(['drafts.profession-physio', 'profession-physio'])
  })

  test('POST queries (long queries) answer the same', async () => {
    const padding = ' '.repeat(12_000)
    const result = await client.fetch<string[]>(`*[_id == $id${padding}]._id`, {id: 'org-hcpc'})
    expect(result).toEqual(['org-hcpc'])
  })

  test('perspective raw returns drafts and published', async () => {
    const ids = await client.fetch<string[]>('*[_type == "profession"]._id', {}, {perspective: 'raw'})
    expect(ids.sort()).toEqual(['drafts.profession-osteo', 'drafts.profession-physio', 'profession-physio'])
  })

  test('perspective published hides drafts', async () => {
    const ids = await client.fetch<string[]>('*[_type == "profession"]._id', {}, {perspective: 'published'})
    expect(ids).toEqual(['profession-physio'])
  })

  test('perspective drafts overlays drafts on published ids and keeps _originalId', async () => {
    const docs = await client.fetch<{_id: string; _originalId?: string; title: string}[]>(
      '*[_type == "profession"]{_id, _originalId, title} | order(_id)',
      {},
      {perspective: 'drafts'},
    )
    expect(docs).toEqual([
      {_id: 'profession-osteo', _originalId: 'drafts.profession-osteo', title: 'Osteopaths'},
      {_id: 'profession-physio', _originalId: 'drafts.profession-physio', title: 'Physiotherapists (draft)'},
    ])
    const one = await client.fetch('*[_id == $id][0].title', {id: 'profession-physio'}, {perspective: 'drafts'})
    expect(one).toBe('Physiotherapists (draft)')
  })

  test('default perspective follows the API version', async () => {
    const newer = await t.client({apiVersion: '2025-02-19'}).fetch<string[]>('*[_type == "profession"]._id')
    expect(newer).toEqual(['profession-physio'])
    const older = await t.client({apiVersion: '2021-10-21'}).fetch<string[]>('*[_type == "profession"]._id')
    expect(older).toHaveLength(3)
  })

  test('references resolve with ->', async () => {
    await client.createOrReplace({_id: 'case-1', _type: 'caseExample', profession: {_type: 'reference', _ref: 'profession-physio'}})
    const title = await client.fetch('*[_id == "case-1"][0].profession->title')
    expect(title).toBe('Physiotherapists')
  })
})

describe('documents', () => {
  test('getDocument and getDocuments', async () => {
    const doc = await client.getDocument('org-hcpc')
    expect(doc).toMatchObject({_id: 'org-hcpc', _type: 'organisation', name: 'HCPC'})
    expect(typeof doc?._rev).toBe('string')
    expect(await client.getDocument('missing-doc')).toBeUndefined()
    const docs = await client.getDocuments(['org-hcpc', 'missing-doc', 'drafts.profession-osteo'])
    expect(docs.map((d) => d?._id ?? null)).toEqual(['org-hcpc', null, 'drafts.profession-osteo'])
  })
})

describe('mutations', () => {
  test('create, createIfNotExists, createOrReplace, delete', async () => {
    const created = await client.create({_id: 'm-1', _type: 'note', title: 'one'})
    expect(created).toMatchObject({_id: 'm-1', title: 'one'})
    expect(created._createdAt).toBe(created._updatedAt)
    await expect(client.create({_id: 'm-1', _type: 'note'})).rejects.toMatchObject({statusCode: 409})
    const kept = await client.createIfNotExists({_id: 'm-1', _type: 'note', title: 'ignored'})
    expect(kept.title).toBe('one')
    const replaced = await client.createOrReplace({_id: 'm-1', _type: 'note', title: 'two'})
    expect(replaced.title).toBe('two')
    expect(replaced._createdAt).toBe(created._createdAt)
    expect(replaced._rev).not.toBe(created._rev)
    const generated = await client.create({_type: 'note', title: 'auto id'})
    expect(generated._id).toMatch(/^[0-9a-f-]{36}$/)
    const draftPrefixed = await client.create({_id: 'drafts.', _type: 'note'})
    expect(draftPrefixed._id).toMatch(/^drafts\.[0-9a-f-]{36}$/)
    await client.delete('m-1')
    expect(await client.getDocument('m-1')).toBeUndefined()
  })

  test('delete by query', async () => {
    await client.transaction().create({_id: 'dq-1', _type: 'temp'}).create({_id: 'dq-2', _type: 'temp'}).commit()
    const res = await client.mutate([{delete: {query: '*[_type == $type]', params: {type: 'temp'}}}], {returnDocuments: false})
    expect(res.results.map((r) => r.id).sort()).toEqual(['dq-1', 'dq-2'])
    expect(await client.fetch('count(*[_type == "temp"])')).toBe(0)
  })

  const patchCases: {name: string; before: Record<string, unknown>; patch: (p: ReturnType<SanityClient['patch']>) => ReturnType<SanityClient['patch']>; after: Record<string, unknown>}[] = [
    {name: 'set', before: {a: 1}, patch: (p) => p.set({a: 2, 'b.c': 'x'}), after: {a: 2, b: {c: 'x'}}},
    {name: 'unset', before: {a: 1, b: 2}, patch: (p) => p.unset(['a']), after: {b: 2}},
    {name: 'setIfMissing', before: {a: 1}, patch: (p) => p.setIfMissing({a: 5, b: 6}), after: {a: 1, b: 6}},
    {name: 'inc', before: {n: 1}, patch: (p) => p.inc({n: 2}), after: {n: 3}},
    {name: 'dec', before: {n: 10}, patch: (p) => p.dec({n: 4}), after: {n: 6}},
    {
      name: 'insert after',
      before: {list: [{_key: 'a', v: 1}]},
      patch: (p) => p.insert('after', 'list[_key=="a"]', [{_key: 'b', v: 2}]),
      after: {list: [{_key: 'a', v: 1}, {_key: 'b', v: 2}]},
    },
    {
      name: 'insert before',
      before: {list: ['x']},
      patch: (p) => p.insert('before', 'list[0]', ['w']),
      after: {list: ['w', 'x']},
    },
    {
      name: 'insert replace',
      before: {list: ['x', 'y']},
      patch: (p) => p.insert('replace', 'list[1]', ['z']),
      after: {list: ['x', 'z']},
    },
    {
      name: 'diffMatchPatch',
      before: {title: 'Physiotherapy'},
      patch: (p) => p.diffMatchPatch({title: '@@ -1,13 +1,14 @@\n Physiotherap\n-y\n+ist\n'}),
      after: {title: 'Physiotherapist'},
    },
  ]

  for (const example of patchCases) {
    test(`patch by id: ${example.name}`, async () => {
      const id = `patch-${example.name.replace(/\W+/g, '-')}`
      const before = {_id: id, _type: 'note', ...example.before}
      const input = structuredClone(before)
      await client.createOrReplace(before)
      const result = await example.patch(client.patch(id)).commit()
      const {_id, _type, _rev, _createdAt, _updatedAt, ...rest} = result
      expect(rest).toEqual(example.after)
      expect(before).toEqual(input)
      expect(_rev).toBeTruthy()
    })
  }

  test('patch by query', async () => {
    await client.transaction().create({_id: 'pq-1', _type: 'bulk', n: 1}).create({_id: 'pq-2', _type: 'bulk', n: 2}).commit()
    await client.mutate([{patch: {query: '*[_type == "bulk"]', set: {flag: true}}}])
    expect(await client.fetch('*[_type == "bulk"]{_id, flag} | order(_id)')).toEqual([
      {_id: 'pq-1', flag: true},
      {_id: 'pq-2', flag: true},
    ])
  })

  test('a transaction commits all its mutations with one revision, or none', async () => {
    const res = await client.transaction().create({_id: 'tx-1', _type: 'note'}).create({_id: 'tx-2', _type: 'note'}).commit()
    const docs = await client.getDocuments(['tx-1', 'tx-2'])
    expect(docs.map((d) => d?._rev)).toEqual([res.transactionId, res.transactionId])
    await expect(client.transaction().create({_id: 'tx-3', _type: 'note'}).create({_id: 'tx-1', _type: 'note'}).commit()).rejects.toMatchObject({
      statusCode: 409,
    })
    expect(await client.getDocument('tx-3')).toBeUndefined()
  })

  test('the client transaction id is reused as the revision', async () => {
    const res = await client.mutate([{create: {_id: 'tid-1', _type: 'note'}}], {transactionId: 'my-transaction-1', returnDocuments: false})
    expect(res.transactionId).toBe('my-transaction-1')
    expect((await client.getDocument('tid-1'))?._rev).toBe('my-transaction-1')
  })

  test('returnIds, returnDocuments, visibility and dryRun', async () => {
    const res = await client.mutate([{create: {_id: 'dry-1', _type: 'note'}}], {dryRun: true, returnDocuments: false, returnFirst: false})
    expect(res.results).toEqual([{id: 'dry-1', operation: 'create'}])
    expect(await client.getDocument('dry-1')).toBeUndefined()
    const ids = await client.mutate([{create: {_id: 'vis-1', _type: 'note'}}], {returnDocuments: false, visibility: 'async'})
    expect(ids.results[0]).toMatchObject({id: 'vis-1', operation: 'create'})
  })

  test('ifRevisionID: a stale revision gets 409 and the other writer keeps their change', async () => {
    const doc = await client.createOrReplace({_id: 'rev-1', _type: 'note', title: 'v1'})
    const other = await client.patch('rev-1').set({title: 'other writer'}).commit()
    const stale = client.patch('rev-1').ifRevisionId(doc._rev).set({title: 'stale writer'}).commit()
    await expect(stale).rejects.toMatchObject({statusCode: 409})
    const now = await client.getDocument('rev-1')
    expect(now?.title).toBe('other writer')
    expect(now?._rev).toBe(other._rev)
    const ok = await client.patch('rev-1').ifRevisionId(other._rev).set({title: 'v3'}).commit()
    expect(ok.title).toBe('v3')
  })
})

describe('listener', () => {
  test('appear, update, disappear in order with revisions, reusing the client transaction id', async () => {
    const events: MutationEvent[] = []
    const welcomed = new Promise<void>((resolve) => {
      const sub = client.listen('*[_type == "watched" && show == true]', {}, {events: ['welcome', 'mutation'], effectFormat: 'mendoza'}).subscribe((event) => {
        if (event.type === 'welcome') resolve()
        if (event.type === 'mutation') events.push(event)
      })
      subscriptions.push(() => sub.unsubscribe())
    })
    await welcomed
    const a = await client.mutate([{create: {_id: 'w-1', _type: 'watched', show: true, n: 1}}], {transactionId: 'listen-tx-1', returnDocuments: false})
    const b = await client.patch('w-1').set({n: 2}).commit()
    const c = await client.patch('w-1').set({show: false}).commit()
    await client.patch('w-1').set({n: 3}).commit() // no longer matches: no event
    await waitFor(() => events.length >= 3)
    await new Promise((r) => setTimeout(r, 100))
    expect(events.map((e) => [e.transition, e.documentId, e.previousRev, e.resultRev, e.transactionId])).toEqual([
      ['appear', 'w-1', undefined, 'listen-tx-1', 'listen-tx-1'],
      ['update', 'w-1', 'listen-tx-1', b._rev, b._rev],
      ['disappear', 'w-1', b._rev, c._rev, c._rev],
    ])
    expect(a.transactionId).toBe('listen-tx-1')
    expect(events[0]?.mutations).toEqual([{create: {_id: 'w-1', _type: 'watched', show: true, n: 1}}])
    expect(events[1]?.result).toMatchObject({n: 2})
    // mendoza effects turn the previous result into the next one, and back: over the documents
    // without _rev, as the Studio applies them (applyPatch(omitRev(doc), patch))
    const omitRev = (doc: unknown) => {
      const {_rev: _r, ...rest} = doc as Record<string, unknown>
      return rest
    }
    const applied = applyPatch(omitRev(events[0]?.result), events[1]?.effects?.apply as unknown[])
    expect(applied).toEqual(omitRev(events[1]?.result))
    expect(applyPatch(omitRev(events[1]?.result), events[1]?.effects?.revert as unknown[])).toEqual(omitRev(events[0]?.result))
  })
})

const subscriptions: (() => void)[] = []
afterAll(() => subscriptions.forEach((stop) => stop()))

async function waitFor(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const started = Date.now()
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting')
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe('actions', () => {
  const act = (actions: Record<string, unknown>[]) => client.action(actions as never)

  test('create, edit, publish, unpublish, discard', async () => {
    await act([{actionType: 'sanity.action.document.create', publishedId: 'a-1', attributes: {_id: 'drafts.a-1', _type: 'note', title: 'draft'}, ifExists: 'fail'}])
    await act([{actionType: 'sanity.action.document.edit', draftId: 'drafts.a-1', publishedId: 'a-1', patch: {set: {title: 'edited'}}}])
    await act([{actionType: 'sanity.action.document.publish', draftId: 'drafts.a-1', publishedId: 'a-1'}])
    expect(await client.getDocument('drafts.a-1')).toBeUndefined()
    expect((await client.getDocument('a-1'))?.title).toBe('edited')

    await act([{actionType: 'sanity.action.document.unpublish', draftId: 'drafts.a-1', publishedId: 'a-1'}])
    expect(await client.getDocument('a-1')).toBeUndefined()
    expect((await client.getDocument('drafts.a-1'))?.title).toBe('edited')

    await act([{actionType: 'sanity.action.document.discard', draftId: 'drafts.a-1'}])
    expect(await client.getDocument('drafts.a-1')).toBeUndefined()
  })

  test('edit on a published document creates the draft from it', async () => {
    await client.createOrReplace({_id: 'a-2', _type: 'note', title: 'published', body: 'kept'})
    await act([{actionType: 'sanity.action.document.edit', draftId: 'drafts.a-2', publishedId: 'a-2', patch: {set: {title: 'changed'}}}])
    expect(await client.getDocument('drafts.a-2')).toMatchObject({title: 'changed', body: 'kept'})
  })

  test('all actions of a request commit together or not at all; dryRun commits nothing', async () => {
    const failing = act([
      {actionType: 'sanity.action.document.create', publishedId: 'a-3', attributes: {_id: 'drafts.a-3', _type: 'note'}, ifExists: 'fail'},
      {actionType: 'sanity.action.document.publish', draftId: 'drafts.nothing', publishedId: 'nothing'},
    ])
    await expect(failing).rejects.toMatchObject({statusCode: 409})
    expect(await client.getDocument('drafts.a-3')).toBeUndefined()
    await client.action({actionType: 'sanity.action.document.create', publishedId: 'a-4', attributes: {_id: 'drafts.a-4', _type: 'note'}, ifExists: 'fail'}, {dryRun: true})
    expect(await client.getDocument('drafts.a-4')).toBeUndefined()
  })
})

describe('history', () => {
  test('documents by revision and by time, transactions as NDJSON', async () => {
    const v1 = await client.createOrReplace({_id: 'h-1', _type: 'note', title: 'first'})
    await new Promise((r) => setTimeout(r, 5))
    const v2 = await client.patch('h-1').set({title: 'second'}).commit()
    const byRev = await client.request<{documents: {title: string}[]}>({url: `/data/history/test/documents/h-1?revision=${v1._rev}`})
    expect(byRev.documents[0]?.title).toBe('first')
    const byTime = await client.request<{documents: {title: string}[]}>({url: `/data/history/test/documents/h-1?time=${encodeURIComponent(v1._updatedAt)}`})
    expect(byTime.documents[0]?.title).toBe('first')
    const badTime = await t.request('/v2025-02-19/data/history/test/documents/h-1?time=yesterday', {headers: {authorization: `Bearer ${t.adminToken}`}})
    expect(badTime.status).toBe(400)
    await client.delete('h-1')
    const last = await client.request<{documents: {title: string}[]}>({url: '/data/history/test/documents/h-1?lastRevision=true'})
    expect(last.documents[0]?.title).toBe('second')
    const raw = await t.request('/v2025-02-19/data/history/test/transactions/h-1?effectFormat=mendoza', {headers: {authorization: `Bearer ${t.adminToken}`}})
    const lines = raw.body.trim().split('\n').map((l) => JSON.parse(l) as {id: string; documentIDs: string[]; effects: Record<string, unknown>})
    expect(lines.map((l) => l.id).slice(0, 2)).toEqual([v1._rev, v2._rev])
    expect(lines).toHaveLength(3)
    expect(lines[1]?.documentIDs).toEqual(['h-1'])
    expect(lines[1]?.effects['h-1']).toHaveProperty('apply')
  })
})

describe('assets', () => {
  test('image upload and download round trip', async () => {
    // 1x1 transparent PNG
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
      'base64',
    )
    const asset = await client.assets.upload('image', png, {filename: 'dot.png'})
    expect(asset._id).toMatch(/^image-[0-9a-f]{40}-1x1-png$/)
    expect(asset.metadata.dimensions).toMatchObject({width: 1, height: 1})
    const url = new URL(asset.url)
    const res = await t.request(url.pathname)
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('image/png')
    expect(Buffer.from(res.body, 'latin1').length).toBeGreaterThan(0)
    const again = await client.assets.upload('image', png, {filename: 'same.png'})
    expect(again._id).toBe(asset._id)
    const file = await client.assets.upload('file', Buffer.from('hello'), {filename: 'hello.txt'})
    const fileRes = await t.request(new URL(file.url).pathname)
    expect(fileRes.body).toBe('hello')
  })
})

describe('datasets', () => {
  test('create, list and delete (administrators only)', async () => {
    await client.datasets.create('scratch')
    expect((await client.datasets.list()).map((d) => d.name)).toContain('scratch')
    const viewerToken = t.server.tokens.create('editor').token
    await expect(t.client({token: viewerToken}).datasets.create('nope')).rejects.toMatchObject({statusCode: 403})
    await client.datasets.delete('scratch')
    expect((await client.datasets.list()).map((d) => d.name)).not.toContain('scratch')
  })
})
