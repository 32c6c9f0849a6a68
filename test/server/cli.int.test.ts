import {mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'
import {runCommand, type CliIo} from '../../scripts/lib/cli.js'
import {contentImportCommand} from '../../scripts/content-import.js'
import {tokenCommand} from '../../scripts/token.js'
import {TokenStore} from '../../server/auth.js'
import {startTestServer, type TestServer} from './helpers.js'

function io(env: NodeJS.ProcessEnv = {}): CliIo & {out: string; err: string} {
  const sink = {
    out: '',
    err: '',
    env,
    stdout: (text: string) => void (sink.out += text),
    stderr: (text: string) => void (sink.err += text),
  }
  return sink
}

describe('npm run token', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ahp-token-'))
  afterAll(() => rmSync(dir, {recursive: true, force: true}))

  test('create prints a token that resolves to its role; tokens.json is private', async () => {
    const sink = io()
    expect(await runCommand(tokenCommand, ['create', '--role', 'editor', '--data', dir], sink)).toBe(0)
    const token = sink.out.trim()
    expect(new TokenStore(dir).resolve(token)).toMatchObject({role: 'editor'})
    expect(statSync(join(dir, 'tokens.json')).mode & 0o777).toBe(0o600)
    expect(statSync(join(dir, 'admin-token')).mode & 0o777).toBe(0o600)
    expect(readFileSync(join(dir, 'tokens.json'), 'utf8')).not.toContain(token)
  })

  test('--help exits 0, usage errors exit 2', async () => {
    const help = io()
    expect(await runCommand(tokenCommand, ['--help'], help)).toBe(0)
    expect(help.out).toContain('create --role')
    expect(await runCommand(tokenCommand, ['create', '--role', 'owner', '--data', dir], io())).toBe(2)
    expect(await runCommand(tokenCommand, ['frobnicate', '--data', dir], io())).toBe(2)
    expect(await runCommand(tokenCommand, ['revoke', 'nope', '--data', dir], io())).toBe(1)
  })
})

describe('npm run content:import', () => {
  let t: TestServer
  let file: string
  beforeAll(async () => {
    t = await startTestServer()
    file = join(t.dataDir, 'in.ndjson')
    writeFileSync(file, ['{"_id":"i-1","_type":"note","title":"one"}', '{"_id":"i-2","_type":"note","title":"two"}'].join('\n'))
  })
  afterAll(async () => {
    await t.close()
  })

  const args = (...extra: string[]) => [file, '--source', t.server.url, '--dataset', 'imported', ...extra]
  const local = () => io({AHP_DATA_DIR: t.dataDir})

  test('imports into a new dataset with progress on stderr; create fails on existing ids; --replace and --missing do not', async () => {
    const first = local()
    expect(await runCommand(contentImportCommand, args(), first)).toBe(0)
    expect(first.err).toMatch(/Imported 2\/2 documents/)
    expect(first.out).toBe('')
    expect(await t.client({dataset: 'imported'}).fetch('*[_type == "note"] | order(_id).title')).toEqual(['one', 'two'])
    expect(await runCommand(contentImportCommand, args(), local())).toBe(1)
    expect(await runCommand(contentImportCommand, args('--replace'), local())).toBe(0)
    expect(await runCommand(contentImportCommand, args('--missing'), local())).toBe(0)
    expect(await runCommand(contentImportCommand, args('--replace', '--missing'), local())).toBe(2)
    expect(await runCommand(contentImportCommand, [], local())).toBe(2)
  })

  test('--source like every other command; the old --url is a usage error that names its replacement', async () => {
    const old = local()
    expect(await runCommand(contentImportCommand, [file, '--url', t.server.url], old)).toBe(2)
    expect(old.err).toContain('--url is gone: use --source https://HOST')
  })

  test('a server that does not answer, or a certificate not trusted, is one line that says what to do', async () => {
    const refused = local()
    expect(await runCommand(contentImportCommand, [file, '--source', 'https://127.0.0.1:1', '--dataset', 'x'], refused)).toBe(1)
    expect(refused.err).toMatch(/^content:import: nothing answers at https:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\): start the server \(npm start\) or check --source\n$/)
    const untrusted = io({SANITY_API_TOKEN: t.adminToken, AHP_DATA_DIR: join(t.dataDir, 'elsewhere')})
    expect(await runCommand(contentImportCommand, [file, '--source', t.server.url, '--dataset', 'x'], untrusted)).toBe(1)
    expect(untrusted.err).toMatch(/^content:import: cannot trust the certificate of https:\/\/[\w.]+:\d+ \([A-Z_]+\): .*NODE_EXTRA_CA_CERTS=data\/tls\/ca\.pem.*\n$/)
  })
})
