import {spawn, spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {connect} from 'node:http2'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, test} from 'vitest'
import {freePort, ROOT, throwawayCa} from './helpers.js'

/**
 * The service as systemd runs it: the shipped unit passes `systemd-analyze verify`, and the
 * server's own process closes cleanly on SIGTERM (exit 0, databases closed) and re-reads the
 * organisation's certificate on SIGHUP without dropping an open connection.
 */

const UNIT = join(ROOT, 'deploy', 'systemd', 'ahp-content-hub.service')
const SYSTEMD_ANALYZE = ['/usr/bin/systemd-analyze', '/bin/systemd-analyze'].find((p) => existsSync(p))
const dirs: string[] = []
afterAll(() => {
  for (const dir of dirs) rmSync(dir, {recursive: true, force: true})
})

describe('the systemd unit', () => {
  const unit = readFileSync(UNIT, 'utf8')
  const setting = (key: string) => [...unit.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].map((m) => m[1])

  test('runs as its own user, read-only but for the data folder, no new privileges, restarted on failure, stopped with SIGTERM', () => {
    expect(setting('User')).toEqual(['ahp'])
    expect(setting('ProtectSystem')).toEqual(['strict'])
    expect(setting('NoNewPrivileges')).toEqual(['yes'])
    expect(setting('Restart')).toEqual(['on-failure'])
    expect(setting('KillSignal')).toEqual(['SIGTERM'])
    const dataDir = setting('Environment').map((e) => /^AHP_DATA_DIR=(.*)$/.exec(e ?? '')?.[1]).find(Boolean)
    expect(setting('ReadWritePaths')).toEqual([dataDir])
    expect(setting('UMask')).toEqual(['0077'])
    // node itself gets the signal, not npm
    expect(setting('ExecStart')[0]).toMatch(/^\/usr\/bin\/node --import tsx scripts\/serve\.ts$/)
  })

  const why = SYSTEMD_ANALYZE ? undefined : 'systemd-analyze is not installed (apt-get install -y systemd; .ci/run does it)'
  if (why) console.warn(`skipped: ${why}`)
  test.skipIf(!SYSTEMD_ANALYZE)(`passes systemd-analyze verify${why ? ` (skipped: ${why})` : ''}`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'ahp-unit-'))
    dirs.push(dir)
    // only what differs on this machine: where the checkout is, and node if not at /usr/bin/node
    const adapted = unit.replace('WorkingDirectory=/srv/ahp-content-hub', `WorkingDirectory=${ROOT}`).replace('/usr/bin/node', existsSync('/usr/bin/node') ? '/usr/bin/node' : process.execPath)
    const path = join(dir, 'ahp-content-hub.service')
    writeFileSync(path, adapted)
    const result = spawnSync(SYSTEMD_ANALYZE as string, ['verify', path], {encoding: 'utf8'})
    // verify exits 0 on some warnings (an unknown value "ignoring"): any word about the unit counts
    expect(`${result.stdout}${result.stderr}`.split('\n').filter((l) => l.includes('ahp-content-hub'))).toEqual([])
    expect(result.status).toBe(0)
  })
})

describe('the server process', () => {
  test('SIGHUP re-reads the certificate without dropping an open connection; localhost keeps the local CA; SIGTERM closes it cleanly (exit 0)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ahp-service-'))
    dirs.push(dir)
    const ca = await throwawayCa()
    const first = await ca.issue(['content.ahp.test'], '0a01')
    writeFileSync(join(dir, 'cert.pem'), first.certPem)
    writeFileSync(join(dir, 'key.pem'), first.keyPem, {mode: 0o600})
    const port = await freePort()
    // as the unit starts it: node itself, with tsx as a loader, so the signals reach the server
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/serve.ts'], {
      cwd: ROOT,
      env: {...process.env, AHP_PORT: String(port), AHP_DATA_DIR: join(dir, 'data'), AHP_STUDIO: 'off', AHP_LOG_LEVEL: 'info', AHP_PUBLIC_URL: `https://content.ahp.test:${port}`, AHP_TLS_CERT: join(dir, 'cert.pem'), AHP_TLS_KEY: join(dir, 'key.pem')},
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let log = ''
    child.stderr.on('data', (c: Buffer) => (log += c.toString()))
    child.stdout.on('data', (c: Buffer) => (log += c.toString()))
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    try {
      await expect.poll(() => log, {timeout: 60_000}).toMatch(/"msg":"server started"/)
      const serialOf = (session: import('node:http2').ClientHttp2Session) => (session.socket as import('node:tls').TLSSocket).getPeerCertificate().serialNumber
      const open = () => connect(`https://content.ahp.test:${port}`, {ca: ca.caPem, host: '127.0.0.1', servername: 'content.ahp.test'} as import('node:http2').SecureClientSessionOptions)
      const get = (session: import('node:http2').ClientHttp2Session, path: string) =>
        new Promise<number>((resolve, reject) => {
          const stream = session.request({':path': path})
          stream.on('response', (h) => resolve(Number(h[':status'])))
          stream.on('error', reject)
          stream.resume()
          stream.end()
        })
      const before = open()
      expect(await get(before, '/health')).toBe(200)
      expect(serialOf(before)).toMatch(/^0?A01$/i)
      // the organisation renews its certificate: new files, then SIGHUP
      const renewed = await ca.issue(['content.ahp.test'], '0b02')
      writeFileSync(join(dir, 'cert.pem'), renewed.certPem)
      writeFileSync(join(dir, 'key.pem'), renewed.keyPem)
      child.kill('SIGHUP')
      await expect.poll(() => log, {timeout: 10_000}).toMatch(/TLS certificate re-read/)
      const after = open()
      expect(await get(after, '/health')).toBe(200)
      expect(serialOf(after)).toMatch(/^0?B02$/i)
      // the connection made before the reload still works
      expect(await get(before, '/v2025-02-19/ping')).toBe(200)
      // https://localhost still gets the local CA's certificate (scripts on the machine use it)
      const local = connect(`https://localhost:${port}`, {ca: readFileSync(join(dir, 'data', 'tls', 'ca.pem'), 'utf8'), host: '127.0.0.1'} as import('node:http2').SecureClientSessionOptions)
      expect(await get(local, '/health')).toBe(200)
      local.close()
      before.close()
      after.close()
      child.kill('SIGTERM')
      expect(await exited).toBe(0)
      expect(log).toMatch(/"signal":"SIGTERM".*closing the server/)
      expect(log).toMatch(/server stopped: databases closed/)
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL')
    }
  }, 120_000)
})
