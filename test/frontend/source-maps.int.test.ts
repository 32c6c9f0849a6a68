import type {ContentSourceMap} from '@sanity/client'
import {stegaClean} from '@sanity/client/stega'
import {vercelStegaDecode} from '@vercel/stega'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'

import {startTestServer, type TestServer} from '../server/helpers'

/**
 * Content Source Maps with the real @sanity/client: the map names the document and field each
 * value comes from, and stega encoding (which reads it) marks strings with edit links.
 */

let t: TestServer

const QUERY = '*[_type == "profession"] | order(_id) {_id, title, "slug": slug.current, "shout": upper(title), body, regulator->{_id, title}}'

beforeAll(async () => {
  t = await startTestServer()
  t.server.store.create('test')
  await t
    .client()
    .transaction()
    .createOrReplace({_id: 'organisation-hcpc', _type: 'organisation', title: 'Health and Care Professions Council'})
    .createOrReplace({
      _id: 'profession-physio',
      _type: 'profession',
      title: 'Physiotherapists',
      slug: {_type: 'slug', current: 'physiotherapists'},
      regulator: {_type: 'reference', _ref: 'organisation-hcpc'},
      body: [{_type: 'block', _key: 'b1', style: 'normal', markDefs: [], children: [{_type: 'span', _key: 's1', text: 'Help people move.', marks: []}]}],
    })
    .commit()
})

afterAll(async () => {
  await t.close()
})

describe('resultSourceMap', () => {
  test('maps projected document fields, renamed attribute paths and followed references; computed values are left out', async () => {
    const {resultSourceMap} = await t.client().fetch(QUERY, {}, {filterResponse: false, resultSourceMap: 'withKeyArraySelector'})
    const map = resultSourceMap as ContentSourceMap
    const source = (resultPath: string) => {
      const mapping = map.mappings[resultPath]
      if (!mapping || mapping.type !== 'value' || mapping.source.type !== 'documentValue') return undefined
      return {document: map.documents[mapping.source.document]?._id, path: map.paths[mapping.source.path]}
    }
    expect(source("$[0]['title']")).toEqual({document: 'profession-physio', path: "$['title']"})
    expect(source("$[0]['slug']")).toEqual({document: 'profession-physio', path: "$['slug']['current']"})
    expect(source("$[0]['body']")).toEqual({document: 'profession-physio', path: "$['body']"})
    expect(source("$[0]['regulator']['title']")).toEqual({document: 'organisation-hcpc', path: "$['title']"})
    expect(source("$[0]['shout']")).toBeUndefined()
  })

  test('stega marks each mapped string with an edit link to its document and field; stegaClean gives the value back', async () => {
    const client = t.client({stega: {enabled: true, studioUrl: 'https://localhost:3333'}})
    const [profession] = await client.fetch<{title: string; slug: string; shout: string; regulator: {title: string}; body: {children: {text: string}[]}[]}[]>(QUERY)
    expect(stegaClean(profession!.title)).toBe('Physiotherapists')
    expect(profession!.title).not.toBe('Physiotherapists')
    const edit = (value: string) => new URL(String((vercelStegaDecode(value) as {href?: string} | undefined)?.href), 'https://x')
    expect(edit(profession!.title).searchParams.get('id')).toBe('profession-physio')
    expect(edit(profession!.title).searchParams.get('path')).toBe('title')
    expect(edit(profession!.regulator.title).searchParams.get('id')).toBe('organisation-hcpc')
    expect(edit(profession!.body[0]!.children[0]!.text).searchParams.get('path')).toBe('body[_key=="b1"].children[_key=="s1"].text')
    expect(profession!.shout).toBe('PHYSIOTHERAPISTS')
  })
})
