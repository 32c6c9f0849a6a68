import {execFile} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {rm, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {promisify} from 'node:util'

import {afterAll, beforeAll, expect, test} from 'vitest'

import {importNdjson} from '../../scripts/content-import'
import {startTestServer, type TestServer} from '../server/helpers'

/**
 * The README's "Use it from your frontend" example, run as printed (only the port is the test
 * server's) with the certificate step it prints, in a child process as a reader would run it.
 */

const ROOT = join(import.meta.dirname, '..', '..')
const README = readFileSync(join(ROOT, 'README.md'), 'utf8')

function exampleAfter(marker: string, language: string): string {
  const at = README.indexOf(marker)
  expect(at, `README.md has "${marker}"`).toBeGreaterThan(0)
  const open = README.indexOf('```' + language + '\n', at)
  return README.slice(open + language.length + 4, README.indexOf('\n```', open))
}

let t: TestServer

beforeAll(async () => {
  t = await startTestServer()
  t.server.store.create('production')
  await importNdjson({client: t.client({dataset: 'production'}), ndjson: readFileSync(join(ROOT, 'content', 'dataset.ndjson'), 'utf8'), mode: 'createOrReplace'})
}, 60_000)

afterAll(async () => {
  await t.close()
})

test('the client example runs as printed and prints what the README says it prints', async () => {
  const code = exampleAfter('save this as `read-content.ts`', 'ts')
  const run = exampleAfter('and run it:', 'sh')
  const [command, expected] = run.split('\n')
  expect(command).toBe('NODE_EXTRA_CA_CERTS=data/tls/ca.pem npx tsx read-content.ts')
  const file = join(ROOT, `read-content.test-${process.pid}.ts`)
  await writeFile(file, code.replaceAll('https://localhost:3333', t.server.url))
  try {
    const {stdout} = await promisify(execFile)('npx', ['tsx', file], {
      cwd: ROOT,
      env: {...process.env, NODE_EXTRA_CA_CERTS: join(t.dataDir, 'tls', 'ca.pem')},
    })
    expect(`# ${stdout.trim()}`).toBe(expected)
  } finally {
    await rm(file, {force: true})
  }
}, 120_000)
