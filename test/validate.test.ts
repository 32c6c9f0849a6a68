import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, test} from 'vitest'

import {FileSource, parseNdjson, type StoredDocument} from '../sources'
import {validateSource} from '../validation/validateDataset'
import {runCli} from './helpers/runCli'

const FIXTURES = join(import.meta.dirname, 'fixtures')
const TYPE_DIRS = readdirSync(FIXTURES, {withFileTypes: true})
  .filter((entry) => entry.isDirectory() && !['ndjson', 'export', 'releases', 'editorial', 'site'].includes(entry.name))
  .map((entry) => entry.name)

function loadFixture(type: string, file: string): StoredDocument[] {
  return JSON.parse(readFileSync(join(FIXTURES, type, file), 'utf8')) as StoredDocument[]
}

function errorsOf(report: Awaited<ReturnType<typeof validateSource>>) {
  return report.problems.filter((problem) => problem.level === 'error')
}

describe('schema fixtures: each type has a valid example and failing ones named by field', () => {
  test('every document type has fixtures', () => {
    expect(TYPE_DIRS.sort()).toEqual(['caseExample', 'cpdCategory', 'framework', 'guidance', 'hub', 'organisation', 'person', 'profession', 'quickGuide', 'resource'])
  })

  for (const type of TYPE_DIRS) {
    const files = readdirSync(join(FIXTURES, type)).filter((file) => file.endsWith('.json'))
    for (const file of files.filter((f) => f.startsWith('valid'))) {
      test(`${type}/${file} passes with no errors`, async () => {
        const report = await validateSource(FileSource.fromDocuments(loadFixture(type, file)))
        expect(errorsOf(report)).toEqual([])
      })
    }
    for (const file of files.filter((f) => f.startsWith('invalid-'))) {
      // invalid-<field>-<reason>.json: the error must be on that field of the document under test.
      const field = file.slice('invalid-'.length).split('-')[0]!
      test(`${type}/${file} fails on ${field}`, async () => {
        const documents = loadFixture(type, file)
        const report = await validateSource(FileSource.fromDocuments(documents))
        const errors = errorsOf(report).filter((problem) => problem.documentId === documents[0]!._id)
        expect(errors.map((problem) => problem.path?.split(/[.[]/)[0])).toContain(field)
      })
    }
  }
})

describe('content:validate on NDJSON files', () => {
  const ndjson = (name: string) => join(FIXTURES, 'ndjson', name)

  test('a malformed line is reported with its number and the rest of the file is still checked', async () => {
    const text = readFileSync(ndjson('malformed-line.ndjson'), 'utf8')
    const badLine = text.split('\n').findIndex((line) => {
      try {
        JSON.parse(line)
        return false
      } catch {
        return line.trim() !== ''
      }
    })
    const report = await validateSource(new FileSource(ndjson('malformed-line.ndjson')))
    const sourceErrors = report.problems.filter((problem) => problem.check === 'source')
    expect(sourceErrors).toHaveLength(1)
    expect(sourceErrors[0]!.line).toBe(badLine + 1)
    expect(report.documentCount).toBe(parseNdjson(text).documents.length)
    expect(report.documentCount).toBeGreaterThan(0)
  })

  test.each([
    ['unknown-type.ndjson', '_type', /unknown type/],
    ['dangling-reference.ndjson', undefined, /does not exist/],
    ['duplicate-slug.ndjson', 'slug', /is already used by/],
    ['http-link.ndjson', undefined, /https:\/\//],
  ])('%s is an error naming the field and the fix', async (file, path, message) => {
    const report = await validateSource(new FileSource(ndjson(file)))
    const errors = errorsOf(report)
    expect(errors.length).toBeGreaterThan(0)
    const match = errors.find((problem) => message.test(problem.message))
    expect(match, JSON.stringify(errors, null, 2)).toBeDefined()
    expect(match!.documentId).toBeTruthy()
    if (path) expect(match!.path).toBe(path)
    else expect(match!.path).toBeTruthy()
  })

  test('a draft without a published document is a warning, not an error', async () => {
    const report = await validateSource(new FileSource(ndjson('draft-without-published.ndjson')))
    expect(errorsOf(report)).toEqual([])
    expect(report.problems.some((problem) => problem.level === 'warning' && /no published document/.test(problem.message))).toBe(true)
  })

  test('the CLI exits 1 on content errors, 2 on usage errors, and reports as ndjson', {timeout: 180_000}, async () => {
    const [invalid, usage, missing] = await Promise.all([
      runCli('scripts/content-validate.ts', ['--source', `file:${ndjson('duplicate-slug.ndjson')}`, '--format', 'ndjson', '--level', 'error']),
      runCli('scripts/content-validate.ts', ['--format', 'xml']),
      runCli('scripts/content-validate.ts', ['--source', 'file:/nonexistent/dataset.ndjson']),
    ])
    expect(invalid.code).toBe(1)
    const lines = invalid.stdout.trim().split('\n').map((line) => JSON.parse(line) as {level: string; path?: string})
    expect(lines.every((problem) => problem.level === 'error')).toBe(true)
    expect(lines.some((problem) => problem.path === 'slug')).toBe(true)

    expect(usage.code).toBe(2)
    expect(usage.stderr).toMatch(/--format must be one of pretty, json, ndjson/)

    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/cannot read \/nonexistent\/dataset.ndjson: no such file/)
  })
})
