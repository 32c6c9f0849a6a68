import {X509Certificate} from 'node:crypto'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, expect, test} from 'vitest'
import {ensureTls} from '../../server/tls.js'

const dir = mkdtempSync(join(tmpdir(), 'ahp-tls-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

test('a local CA signs a certificate for localhost, 127.0.0.1 and local.localhost; restarts reuse both', async () => {
  const first = await ensureTls(dir, ['localhost', '127.0.0.1', 'local.localhost'])
  expect(first.created).toBe(true)
  expect(first.caCertPath).toBe(join(dir, 'tls', 'ca.pem'))
  const ca = new X509Certificate(first.ca)
  const cert = new X509Certificate(first.cert)
  expect(ca.ca).toBe(true)
  expect(cert.verify(ca.publicKey)).toBe(true)
  expect(cert.checkHost('localhost')).toBe('localhost')
  expect(cert.checkHost('local.localhost')).toBe('local.localhost')
  expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1')
  expect(cert.checkHost('example.com')).toBeUndefined()

  const again = await ensureTls(dir, ['localhost', '127.0.0.1', 'local.localhost'])
  expect(again.created).toBe(false)
  expect(again.cert).toBe(first.cert)

  const renamed = await ensureTls(dir, ['localhost', '127.0.0.1', 'other.localhost'])
  expect(renamed.ca).toBe(first.ca)
  expect(new X509Certificate(renamed.cert).checkHost('other.localhost')).toBe('other.localhost')
})
