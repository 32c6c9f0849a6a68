import 'reflect-metadata'
import {webcrypto, X509Certificate} from 'node:crypto'
import {chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {connect, createServer} from 'node:tls'
import {tmpdir} from 'node:os'
import {join, relative} from 'node:path'
import * as x509 from '@peculiar/x509'
import {afterAll, describe, expect, test} from 'vitest'
import {ensureTls, LEAF_DAYS} from '../../server/tls.js'
import {startTestServer} from '../server/helpers.js'

/** Issue #10 part 7: the data folder 0700, every file 0600; the local CA name-constrained, its server certificate short-lived. */

const dirs: string[] = []
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  dirs.push(dir)
  return dir
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, {recursive: true, force: true})
})

function modes(root: string): Record<string, number> {
  const out: Record<string, number> = {'.': statSync(root).mode & 0o777}
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, {withFileTypes: true})) {
      const full = join(dir, entry.name)
      out[relative(root, full)] = statSync(full).mode & 0o777
      if (entry.isDirectory()) visit(full)
    }
  }
  visit(root)
  return out
}

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64')

describe('files at rest', () => {
  test('every folder the server makes is 0700 and every file 0600: databases with -wal and -shm, tokens, accounts, TLS keys, assets', async () => {
    const t = await startTestServer()
    try {
      t.server.store.create('production')
      const client = t.client({dataset: 'production'})
      await client.assets.upload('image', PNG, {filename: 'dot.png'})
      await client.create({_type: 'note', title: 'written'})
      t.server.tokens.create('editor', 'mode check')
      await t.server.users.upsert({email: 'modes@example.nhs.uk', role: 'viewer', password: 'a-long-password-1'})
      const found = modes(t.dataDir)
      for (const name of ['tokens.json', 'admin-token', 'users.sqlite', 'users.sqlite-wal', 'users.sqlite-shm', 'tls/ca-key.pem', 'tls/server-key.pem', 'datasets/production/dataset.sqlite', 'datasets/production/dataset.sqlite-wal', 'datasets/production/dataset.sqlite-shm']) {
        expect(found[name], name).toBe(0o600)
      }
      expect(Object.keys(found).some((p) => p.startsWith('datasets/production/assets/'))).toBe(true)
      for (const [path, mode] of Object.entries(found)) {
        const isDir = statSync(join(t.dataDir, path)).isDirectory()
        expect(mode.toString(8), path).toBe(isDir ? '700' : '600')
      }
    } finally {
      await t.close()
    }
  })

  test('a data folder left with open modes (an older version, a copy by hand) is put right at start', async () => {
    const dataDir = tempDir('ahp-modes-')
    mkdirSync(join(dataDir, 'datasets', 'old', 'assets'), {recursive: true})
    writeFileSync(join(dataDir, 'datasets', 'old', 'assets', 'a'.repeat(40)), 'bytes')
    writeFileSync(join(dataDir, 'tokens.json'), '{"tokens": []}\n')
    chmodSync(join(dataDir, 'tokens.json'), 0o644)
    chmodSync(join(dataDir, 'datasets', 'old', 'assets', 'a'.repeat(40)), 0o666)
    chmodSync(dataDir, 0o755)
    chmodSync(join(dataDir, 'datasets'), 0o777)
    const t = await startTestServer({}, dataDir)
    try {
      for (const [path, mode] of Object.entries(modes(dataDir))) {
        expect(mode.toString(8), path).toBe(statSync(join(dataDir, path)).isDirectory() ? '700' : '600')
      }
    } finally {
      await t.close()
    }
  })
})

describe('the local CA', () => {
  test('is name-constrained: a certificate it signs for any other name is refused by TLS clients', async () => {
    const dir = tempDir('ahp-ca-')
    const tls = await ensureTls(dir, ['localhost', '127.0.0.1', 'local.localhost'])
    x509.cryptoProvider.set(webcrypto as unknown as Crypto)
    const alg = {name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256'} as const
    const caKeyPem = readFileSync(join(tls.dir, 'ca-key.pem'), 'utf8').replace(/-----[^-]+-----|\s+/g, '')
    const caKey = await webcrypto.subtle.importKey('pkcs8', Buffer.from(caKeyPem, 'base64'), alg, false, ['sign'])
    const caCert = new x509.X509Certificate(tls.ca)
    // someone with the CA's key makes certificates of their own
    const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair
    const key = `-----BEGIN PRIVATE KEY-----\n${Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)).toString('base64')}\n-----END PRIVATE KEY-----\n`
    const issue = async (name: string) =>
      (
        await x509.X509CertificateGenerator.create({
          serialNumber: '01',
          subject: `CN=${name}`,
          issuer: caCert.subject,
          notBefore: new Date(Date.now() - 60_000),
          notAfter: new Date(Date.now() + 86_400_000),
          signingKey: caKey,
          publicKey: keys.publicKey,
          signingAlgorithm: alg,
          extensions: [new x509.SubjectAlternativeNameExtension([{type: 'dns', value: name}])],
        })
      ).toString('pem')
    const attempt = async (cert: string, key: string, servername: string) => {
      const server = createServer({cert, key}, (socket) => socket.end())
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      const port = (server.address() as {port: number}).port
      try {
        return await new Promise<string>((resolve) => {
          const socket = connect({host: '127.0.0.1', port, servername, ca: tls.ca}, () => {
            socket.end()
            resolve('trusted')
          })
          socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message))
        })
      } finally {
        server.close()
      }
    }
    expect(await attempt(tls.cert, tls.key, 'localhost')).toBe('trusted')
    // made the same way, a name under localhost is trusted; any other name is not
    expect(await attempt(await issue('other.localhost'), key, 'other.localhost')).toBe('trusted')
    expect(await attempt(await issue('www.nhs.uk'), key, 'www.nhs.uk')).not.toBe('trusted')
    expect(await attempt(await issue('accounts.google.com'), key, 'accounts.google.com')).not.toBe('trusted')
  })

  test('its server certificate lives 30 days and is renewed when 10 are left, when names change, or when it was made for longer', async () => {
    const dir = tempDir('ahp-leaf-')
    const now = new Date('2026-11-30T12:00:00Z')
    const first = await ensureTls(dir, ['localhost', '127.0.0.1'], {now})
    const leaf = new X509Certificate(first.cert)
    expect((Date.parse(leaf.validTo) - Date.parse(leaf.validFrom)) / 86_400_000).toBeCloseTo(LEAF_DAYS, 0)
    expect((await ensureTls(dir, ['localhost', '127.0.0.1'], {now: new Date('2026-12-15T12:00:00Z')})).created).toBe(false)
    const renewed = await ensureTls(dir, ['localhost', '127.0.0.1'], {now: new Date('2026-12-22T12:00:00Z')})
    expect(renewed.created).toBe(true)
    expect(renewed.caCreated).toBe(false)
    expect(renewed.ca).toBe(first.ca)
    expect(renewed.notAfter.getTime()).toBeGreaterThan(first.notAfter.getTime())
    // a name the CA may not vouch for: a new CA constrained to the new names
    const widened = await ensureTls(dir, ['localhost', '127.0.0.1', 'content.ahp.test'], {now: new Date('2026-12-22T12:00:00Z')})
    expect(widened.caCreated).toBe(true)
    expect(new X509Certificate(widened.cert).checkHost('content.ahp.test')).toBe('content.ahp.test')
  })
})
