import {afterAll, beforeAll, expect, test} from 'vitest'
import {configFromEnv} from '../../server/node-server.js'
import {startTestServer, type TestServer} from './helpers.js'

let t: TestServer

beforeAll(async () => {
  t = await startTestServer({corsOrigins: configFromEnv({AHP_CORS_ORIGINS: 'https://studio.example, https://site.example'}).corsOrigins})
})

afterAll(async () => {
  await t.close()
})

test('AHP_CORS_ORIGINS replaces the default origins', async () => {
  const allowed = await t.request('/v2025-02-19/ping', {headers: {origin: 'https://site.example'}})
  expect(allowed.headers['access-control-allow-origin']).toBe('https://site.example')
  const own = await t.request('/v2025-02-19/ping', {headers: {origin: t.server.url}})
  expect(own.headers['access-control-allow-origin']).toBeUndefined()
  const preflight = await t.request('/v2025-02-19/data/mutate/test', {
    method: 'OPTIONS',
    headers: {origin: 'https://studio.example', 'access-control-request-method': 'POST'},
  })
  expect(preflight.status).toBe(204)
  expect(preflight.headers['access-control-allow-methods']).toContain('POST')
  expect(preflight.headers['access-control-allow-credentials']).toBe('true')
})

test('configFromEnv reads the documented defaults', () => {
  expect(configFromEnv({})).toMatchObject({port: 3333, host: '127.0.0.1', dataDir: './data', projectId: 'local'})
  expect(() => configFromEnv({AHP_PORT: 'x'})).toThrow(/AHP_PORT/)
})
