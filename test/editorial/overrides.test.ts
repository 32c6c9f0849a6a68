import {describe, expect, test} from 'vitest'

import {DOCUMENT_PLAN} from '../../editorial/dataset'
import {checkDocument} from '../../editorial/engine'
import {FileSource, type StoredDocument} from '../../sources'
import {validateSource} from '../../validation/validateDataset'

/**
 * Editors are never stuck: each check can be switched off for a field or a whole page, with a
 * reason that is recorded. The Studio (through Sanity's validator) and the CLI (through the
 * engine) must agree on what is switched off.
 */

function caseExample(fields: Record<string, unknown>): StoredDocument {
  return {
    _id: 'case-example-fixture',
    _type: 'caseExample',
    title: 'Fixture: falls prevention in care homes',
    slug: {_type: 'slug', current: 'fixture-falls-prevention'},
    summary: 'Fixture: occupational therapists run falls clinics in care homes, eg weekly.',
    ...fields,
  }
}

const override = (rule: string, field: string | undefined, reason: string | undefined) => ({
  _type: 'editorialOverride',
  _key: `o-${rule}-${field ?? 'page'}`,
  rule,
  ...(field === undefined ? {} : {field}),
  ...(reason === undefined ? {} : {reason}),
})

async function editorialProblems(document: StoredDocument) {
  const report = await validateSource(FileSource.fromDocuments([document]))
  return {report, editorial: report.problems.filter((problem) => problem.check === 'editorial')}
}

describe('the fields the checks read', () => {
  test('every document type is planned, with its text, bodies, links and web addresses; codes and choices are not', () => {
    const framework = DOCUMENT_PLAN.get('framework')!.map((entry) => `${entry.kind} ${entry.path.join('.')}`)
    expect(framework).toEqual(
      expect.arrayContaining(['plain title', 'prose summary', 'blocks body', 'plain offers.[]', 'plain priorities.[].title', 'prose development.summary', 'blocks getInvolved.steps', 'plain seo.metaTitle', 'prose seo.metaDescription']),
    )
    expect(framework.some((entry) => /status|hashtag|contactEmail|slug|editorialOverrides/.test(entry))).toBe(false)
    for (const type of ['profession', 'framework', 'quickGuide', 'caseExample', 'cpdCategory', 'hub', 'guidance', 'resource', 'organisation', 'person']) {
      expect(DOCUMENT_PLAN.get(type)?.length, type).toBeGreaterThan(0)
    }
  })
})

describe('overrides', () => {
  test('without an override, a Latin abbreviation in the summary is a warning naming its rule', async () => {
    const {editorial} = await editorialProblems(caseExample({}))
    const latin = editorial.filter((problem) => problem.rule === 'latin-abbreviations')
    expect(latin).toHaveLength(1)
    expect(latin[0]).toMatchObject({level: 'warning', path: 'summary', documentId: 'case-example-fixture'})
    expect(latin[0]!.message).toMatch(/\(latin-abbreviations\)$/)
  })

  test('an override with a reason switches the rule off for that field, and is counted', async () => {
    const document = caseExample({editorialOverrides: [override('latin-abbreviations', 'summary', 'Fixture: quoting the trust’s own wording')]})
    const {report, editorial} = await editorialProblems(document)
    expect(editorial.filter((problem) => problem.rule === 'latin-abbreviations')).toEqual([])
    expect(report.overridden).toBe(1)
    const result = checkDocument(document, DOCUMENT_PLAN)
    expect(result.overridden).toEqual([expect.objectContaining({ruleId: 'latin-abbreviations', reason: 'Fixture: quoting the trust’s own wording', path: ['summary']})])
  })

  test('an override for another field leaves this one checked', async () => {
    const {editorial} = await editorialProblems(caseExample({editorialOverrides: [override('latin-abbreviations', 'title', 'Fixture: a title quoted as published')]}))
    expect(editorial.filter((problem) => problem.rule === 'latin-abbreviations').map((problem) => problem.path)).toEqual(['summary'])
  })

  test('an override with no field covers the whole page', async () => {
    const document = caseExample({
      title: 'Fixture: falls clinics, eg weekly',
      editorialOverrides: [override('latin-abbreviations', undefined, 'Fixture: the trust writes it this way throughout')],
    })
    const {editorial} = await editorialProblems(document)
    expect(editorial.filter((problem) => problem.rule === 'latin-abbreviations')).toEqual([])
    expect(checkDocument(document, DOCUMENT_PLAN).overridden).toHaveLength(2)
  })

  test('an override without a reason does not count, and is itself an error that says to give one', async () => {
    const {report, editorial} = await editorialProblems(caseExample({editorialOverrides: [override('latin-abbreviations', 'summary', undefined)]}))
    expect(editorial.filter((problem) => problem.rule === 'latin-abbreviations')).toHaveLength(1)
    expect(report.problems).toContainEqual(
      expect.objectContaining({level: 'error', path: 'editorialOverrides[_key=="o-latin-abbreviations-summary"].reason', message: expect.stringMatching(/Say why the check does not apply/)}),
    )
  })

  test('an override naming an unknown check or a field the page does not have is an error with the fix', async () => {
    const {report} = await editorialProblems(
      caseExample({editorialOverrides: [override('no-such-check', undefined, 'Fixture: a reason'), override('spelling', 'colour', 'Fixture: a reason')]}),
    )
    const messages = report.problems.filter((problem) => problem.path?.startsWith('editorialOverrides')).map((problem) => problem.message)
    expect(messages).toEqual(expect.arrayContaining([expect.stringMatching(/no check called "no-such-check"/), expect.stringMatching(/no field "colour"/)]))
  })

  test('an error rule can be overridden too, so an editor is never stuck', async () => {
    const body = [
      {
        _type: 'block',
        _key: 'b1',
        style: 'normal',
        markDefs: [{_type: 'link', _key: 'l1', href: 'http://legacy.example.nhs.uk/'}],
        children: [{_type: 'span', _key: 's1', text: 'The legacy service directory', marks: ['l1']}],
      },
    ]
    const before = await validateSource(FileSource.fromDocuments([caseExample({body})]))
    expect(before.problems).toContainEqual(expect.objectContaining({level: 'error', rule: 'https-links', path: 'body[_key=="b1"].markDefs[_key=="l1"]'}))
    const after = await validateSource(
      FileSource.fromDocuments([caseExample({body, editorialOverrides: [override('https-links', 'body', 'Fixture: the directory has no secure address yet')]})]),
    )
    expect(after.problems.filter((problem) => problem.rule === 'https-links')).toEqual([])
  })
})
