import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, expect, test} from 'vitest'
import type {StudioState} from '../../server/node-server.js'
import {startTestServer} from '../server/helpers.js'

/** The API never waits for the Studio: while it builds, its address says so and reloads itself. */

const studioDir = mkdtempSync(join(tmpdir(), 'ahp-studio-pending-'))
afterAll(() => rmSync(studioDir, {recursive: true, force: true}))

test('while the Studio is being built the API answers and the Studio\'s pages are a 503 that reloads itself; then the Studio is served', async () => {
  let state: StudioState = 'building'
  const t = await startTestServer({studioDir, studioState: () => state})
  try {
    expect((await t.request('/health')).status).toBe(200)
    expect((await t.request('/v2025-02-19/ping')).status).toBe(200)
    const pending = await t.request('/local/content/profession')
    expect(pending.status).toBe(503)
    expect(pending.headers['retry-after']).toBe('10')
    expect(String(pending.headers['content-type'])).toMatch(/^text\/html/)
    expect(pending.body).toContain('The Studio is being built')
    expect(pending.body).toMatch(/<meta http-equiv="refresh" content="10">/)
    state = 'failed'
    const failed = await t.request('/')
    expect(failed.status).toBe(503)
    expect(failed.body).toContain('could not be built')
    writeFileSync(join(studioDir, 'index.html'), '<!doctype html><title>Studio</title>')
    state = 'ready'
    const ready = await t.request('/local')
    expect(ready.status).toBe(200)
    expect(ready.body).toContain('<title>Studio</title>')
  } finally {
    await t.close()
  }
})
