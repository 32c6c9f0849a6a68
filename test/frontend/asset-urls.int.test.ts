import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import sharp from 'sharp'
import {afterAll, expect, test} from 'vitest'

import {refreshAssetUrls} from '../../server/assets'
import {startTestServer} from '../server/helpers'

const dir = mkdtempSync(join(tmpdir(), 'ahp-asset-urls-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

test('an asset uploaded on one port has a working url after a restart on another: the server refreshes asset urls at start', async () => {
  const first = await startTestServer({}, dir)
  first.server.store.create('test')
  const png = await sharp({create: {width: 8, height: 8, channels: 3, background: '#005eb8'}}).png().toBuffer()
  const uploaded = await first.client().assets.upload('image', png, {filename: 'dot.png'})
  expect(uploaded.url.startsWith(`${first.server.url}/`)).toBe(true)
  await first.close()

  const second = await startTestServer({}, dir)
  try {
    expect(second.server.url).not.toBe(first.server.url)
    const asset = await second.client().getDocument(uploaded._id)
    expect(asset?.url).toBe(`${second.server.url}/${String(asset?.path)}`)
    expect((await second.request(new URL(String(asset?.url)).pathname)).status).toBe(200)
    // start-up already brought it up to date: another run is a no-op, no transaction
    expect(await refreshAssetUrls(second.server.store, second.server.url)).toBe(0)
  } finally {
    await second.close()
  }
})
