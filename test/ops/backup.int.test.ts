import {createHash} from 'node:crypto'
import {mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, relative} from 'node:path'
import {Writable} from 'node:stream'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'
import {TokenStore} from '../../server/auth.js'
import {readBackupStatus} from '../../server/backup.js'
import {createLogger} from '../../server/log.js'
import {Store} from '../../server/store.js'
import {UserStore} from '../../server/users.js'
import {runCli} from '../helpers/runCli.js'
import {startTestServer, type TestServer} from '../server/helpers.js'

/**
 * npm run backup while a writer commits without pause, then npm run restore into an empty folder:
 * every acknowledged transaction, the assets, the accounts and the tokens come back intact. A
 * restore into a folder with anything in it is refused and changes nothing.
 */

let t: TestServer
const logLines: Record<string, unknown>[] = []
const work = mkdtempSync(join(tmpdir(), 'ahp-backup-test-'))
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64')

beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) logLines.push(JSON.parse(line) as Record<string, unknown>)
      done()
    },
  })
  t = await startTestServer({logger: createLogger('info', sink), backupCheckMs: 100})
  t.server.store.create('production')
  t.server.store.create('archive')
}, 60_000)

afterAll(async () => {
  await t?.close()
  rmSync(work, {recursive: true, force: true})
})

function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {}
  const visit = (path: string) => {
    for (const entry of readdirSync(path, {withFileTypes: true})) {
      const full = join(path, entry.name)
      if (entry.isDirectory()) visit(full)
      else out[relative(dir, full)] = `${statSync(full).mode & 0o777}:${createHash('sha256').update(readFileSync(full)).digest('hex')}`
    }
  }
  visit(dir)
  return out
}

describe('backup and restore', () => {
  test('a backup taken while a writer commits holds every transaction acknowledged before it began, with assets, accounts and tokens', async () => {
    const client = t.client({dataset: 'production'})
    const asset = await client.assets.upload('image', PNG, {filename: 'dot.png'})
    await client.create({_type: 'caseExample', title: 'With an image', image: {_type: 'image', asset: {_ref: asset._id}}})
    await t.client({dataset: 'archive'}).create({_type: 'note', title: 'in the second dataset'})
    await t.server.users.upsert({email: 'backup.check@example.nhs.uk', role: 'editor', password: 'a-long-password-1'})
    const token = t.server.tokens.create('viewer', 'kept by the backup')

    // the writer: one transaction after another, never pausing, until the backup is done
    const acknowledged: string[] = []
    let writing = true
    let n = 0
    const writer = (async () => {
      while (writing) {
        const result = await client.create({_type: 'note', title: `write ${n++}`})
        acknowledged.push(result._rev as string)
      }
    })()
    while (acknowledged.length < 20) await new Promise((resolve) => setImmediate(resolve))
    const before = [...acknowledged]
    const out = join(work, 'nightly.tar')
    const backup = await runCli('scripts/backup.ts', ['--out', out], {AHP_DATA_DIR: t.dataDir})
    const writtenDuring = acknowledged.length - before.length
    writing = false
    await writer
    expect(backup.code, backup.stderr).toBe(0)
    expect(backup.stderr).toMatch(/Verified .*nightly\.tar/)
    expect(backup.stdout).toMatch(/nightly\.tar\t.*\t2 dataset\(s\)/)
    expect(statSync(out).mode & 0o777).toBe(0o600)
    // writes went on while the backup ran
    expect(writtenDuring).toBeGreaterThan(0)

    // the server knows how old the last backup is
    expect(readBackupStatus(t.dataDir)?.file).toBe(out)
    const metrics = await t.request('/metrics', {headers: {authorization: `Bearer ${t.adminToken}`}})
    expect(Number(/^ahp_backup_age_seconds (\S+)$/m.exec(metrics.body)?.[1])).toBeLessThan(600)
    // and its log tells of it, on the same stream as requests
    await expect.poll(() => logLines.find((l) => l.msg === 'backup taken'), {timeout: 10_000}).toMatchObject({component: 'backup', file: out, datasets: 2})

    const target = join(work, 'restored')
    const restored = await runCli('scripts/restore.ts', [out], {AHP_DATA_DIR: target})
    expect(restored.code, restored.stderr).toBe(0)
    expect(statSync(target).mode & 0o777).toBe(0o700)
    for (const [path, entry] of Object.entries(tree(target))) expect(entry.split(':')[0], path).toBe(String(0o600))

    const store = new Store(target)
    try {
      const production = store.get('production')
      expect(production.integrityCheck()).toBe('ok')
      for (const rev of before) expect(production.hasTransaction(rev), rev).toBe(true)
      expect(production.docs.get(asset._id)).toMatchObject({_type: 'sanity.imageAsset'})
      expect(readFileSync(join(production.assetsDir, asset.assetId as string))).toEqual(PNG)
      expect([...store.get('archive').docs.values()].map((d) => d.title)).toContain('in the second dataset')
    } finally {
      store.close()
    }
    const users = new UserStore(target)
    try {
      expect(users.byEmail('backup.check@example.nhs.uk')?.role).toBe('editor')
    } finally {
      users.close()
    }
    const tokens = new TokenStore(target)
    expect(tokens.resolve(token.token)?.role).toBe('viewer')
    expect(tokens.getAdminToken()).toBe(t.adminToken)
  }, 120_000)

  test('a restore into a folder with anything in it is refused and changes nothing', async () => {
    const out = join(work, 'second.tar')
    expect((await runCli('scripts/backup.ts', ['--out', out], {AHP_DATA_DIR: t.dataDir})).code).toBe(0)
    const target = join(work, 'in-use')
    mkdirSync(join(target, 'datasets'), {recursive: true})
    writeFileSync(join(target, 'notes.txt'), 'an operator left this here\n')
    const before = tree(target)
    const refused = await runCli('scripts/restore.ts', [out, '--data', target])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/^restore: refusing to restore into .*in-use: it is not empty/m)
    expect(refused.stderr.trim().split('\n')).toHaveLength(1)
    expect(tree(target)).toEqual(before)
    expect(readdirSync(work).filter((e) => e.includes('restoring'))).toEqual([])
    // an empty folder (one the operator made for the service) is fine, and nothing is left beside it
    const empty = join(work, 'empty')
    mkdirSync(empty, {mode: 0o700})
    const into = await runCli('scripts/restore.ts', [out, '--data', empty])
    expect(into.code, into.stderr).toBe(0)
    expect(readdirSync(empty)).toEqual(expect.arrayContaining(['admin-token', 'datasets', 'tls', 'tokens.json', 'users.sqlite']))
    expect(readdirSync(empty).some((e) => e.startsWith('.restoring'))).toBe(false)
  }, 60_000)

  test('an existing file is never overwritten; --out is required; --help explains both commands', async () => {
    const out = join(work, 'second.tar')
    const again = await runCli('scripts/backup.ts', ['--out', out], {AHP_DATA_DIR: t.dataDir})
    expect(again.code).toBe(1)
    expect(again.stderr).toMatch(/already exists/)
    expect((await runCli('scripts/backup.ts', [], {AHP_DATA_DIR: t.dataDir})).code).toBe(2)
    expect((await runCli('scripts/backup.ts', ['--help'])).stdout).toMatch(/Usage: npm run backup -- --out FILE/)
    expect((await runCli('scripts/restore.ts', ['--help'])).stdout).toMatch(/Usage: npm run restore -- FILE/)
    const corrupt = join(work, 'corrupt.tar')
    const bytes = readFileSync(out)
    // a byte inside the first database of the archive (after its 512-byte header)
    bytes[512 + 2000] = (bytes[512 + 2000] ?? 0) ^ 0xff
    writeFileSync(corrupt, bytes)
    const bad = await runCli('scripts/restore.ts', [corrupt, '--data', join(work, 'never-made')])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/does not match its checksum/)
    expect(() => statSync(join(work, 'never-made'))).toThrow()
  }, 60_000)
})
