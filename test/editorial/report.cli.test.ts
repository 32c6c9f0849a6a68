import {mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {afterAll, describe, expect, test} from 'vitest'

import {runCommand} from '../../scripts/lib/cli'
import {contentReport} from '../../scripts/content-report'
import {runCli, type CliResult} from '../helpers/runCli'

/** `content:report` as a user runs it: usage errors, exit codes, and a report never half written. */

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const FIXTURE = join(ROOT, 'test', 'fixtures', 'editorial', 'report-dataset.ndjson')
const SCRIPT = 'scripts/content-report.ts'
const work = mkdtempSync(join(tmpdir(), 'ahp-report-'))

afterAll(() => rmSync(work, {recursive: true, force: true}))

/**
 * The command in this process, with its output captured: the same code as the script, without
 * paying for a fresh process that loads the whole schema each time. Two tests below run the
 * real script as a user does.
 */
async function run(args: string[]): Promise<CliResult> {
  let stdout = ''
  let stderr = ''
  const code = await runCommand(contentReport, args, {stdout: (text) => void (stdout += text), stderr: (text) => void (stderr += text), env: process.env})
  return {code, stdout, stderr}
}

describe('content:report usage', () => {
  test('--help prints the usage and exits 0', async () => {
    const result = await runCli(SCRIPT, ['--help'])
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('Usage: npm run content:report -- --out DIR')
    expect(result.stdout).toContain('--today DATE')
  })

  test('--out is required', async () => {
    const result = await run(['--source', `file:${FIXTURE}`])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('--out DIR is required')
    expect(result.stderr).toContain('npm run content:report -- --help')
  })

  test.each([['2025-02-30'], ['14/03/2025'], ['2025-3-14'], ['yesterday']])('--today %s is a usage error', async (today) => {
    const result = await run(['--out', join(work, 'never'), '--today', today])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain(`--today must be a date as YYYY-MM-DD, such as 2025-03-14 (got "${today}")`)
    expect(() => readdirSync(join(work, 'never'))).toThrow()
  })

  test('an unknown option and a file as --out are usage errors', async () => {
    expect((await run(['--out', join(work, 'x'), '--format', 'pdf'])).code).toBe(2)
    const file = join(work, 'a-file')
    writeFileSync(file, 'not a folder')
    const result = await run(['--source', `file:${FIXTURE}`, '--out', file])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('is a file')
    expect(readFileSync(file, 'utf8')).toBe('not a folder')
  })
})

// The first run in a process loads the schema: several seconds.
describe('content:report exit codes and output', {timeout: 90_000}, () => {
  test('exits 0 when there are only warnings and overridden findings', async () => {
    const lines = readFileSync(FIXTURE, 'utf8').split('\n').filter((line) => line.trim() !== '' && !line.includes('"guidance-fixture-report-links"'))
    const source = join(work, 'warnings-only.ndjson')
    writeFileSync(source, `${lines.join('\n')}\n`)
    const out = join(work, 'warnings-only')
    const result = await runCli(SCRIPT, ['--source', `file:${source}`, '--out', out, '--today', '2025-03-14'])
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toBe(`2 documents with findings: 0 errors, 1 warning, 1 overridden. Report: ${join(out, 'index.html')}\n`)
    expect(readdirSync(out).sort()).toEqual(['findings.json', 'index.html'])
  })

  test('replaces an earlier report whole, leaving no temporary files', async () => {
    const out = join(work, 'replace')
    mkdirSync(out)
    writeFileSync(join(out, 'index.html'), 'old report')
    writeFileSync(join(out, 'notes.txt'), 'kept')
    const result = await run(['--source', `file:${FIXTURE}`, '--out', out, '--today', '2025-03-14'])
    expect(result.code).toBe(1)
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toMatch(/^<!doctype html>[\s\S]*<\/html>\n$/)
    expect(readdirSync(out).sort()).toEqual(['findings.json', 'index.html', 'notes.txt'])
  })

  test('a report that cannot be written fails with exit 1 and leaves no temporary files', async () => {
    const out = join(work, 'blocked')
    // index.html is a folder with something in it: the rename over it fails
    mkdirSync(join(out, 'index.html'), {recursive: true})
    writeFileSync(join(out, 'index.html', 'keep.txt'), 'x')
    const result = await run(['--source', `file:${FIXTURE}`, '--out', out, '--today', '2025-03-14'])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`content:report: cannot write the report to ${out}`)
    expect(result.stdout).toBe('')
    expect(readdirSync(out).filter((name) => name.endsWith('.tmp'))).toEqual([])
  })

  test('a source that cannot be read fails with exit 1 and writes nothing', async () => {
    const out = join(work, 'missing-source')
    const result = await run(['--source', `file:${join(work, 'nope.ndjson')}`, '--out', out])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('no such file')
    expect(() => readdirSync(out)).toThrow()
  })
})
