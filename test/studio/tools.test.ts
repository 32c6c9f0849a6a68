import type {DocumentActionComponent, TemplateItem, Tool} from 'sanity'
import {describe, expect, test} from 'vitest'

import {actionsFor} from '../../studio/actions'
import {CASE_EXAMPLE_FOR_PROFESSION, caseExampleForProfessionTemplate, globalNewDocumentOptions, templates} from '../../studio/templates'
import {toolsFor} from '../../studio/tools'

const tool = (name: string) => ({name, title: name, component: () => null}) as unknown as Tool
const tools = [tool('content'), tool('vision'), tool('releases')]
const user = (...roles: string[]) => ({roles: roles.map((name) => ({name, title: name}))})

describe('tools', () => {
  test('editors and viewers do not see Vision', () => {
    expect(toolsFor(tools, user('editor')).map((t) => t.name)).toEqual(['content', 'releases'])
    expect(toolsFor(tools, user('viewer')).map((t) => t.name)).toEqual(['content', 'releases'])
    expect(toolsFor(tools, null).map((t) => t.name)).toEqual(['content', 'releases'])
  })

  test('administrators and developers do', () => {
    expect(toolsFor(tools, user('administrator')).map((t) => t.name)).toEqual(['content', 'vision', 'releases'])
    expect(toolsFor(tools, user('editor', 'developer')).map((t) => t.name)).toEqual(['content', 'vision', 'releases'])
  })
})

describe('document actions', () => {
  const action = (name: DocumentActionComponent['action']) => Object.assign(() => null, {action: name}) as DocumentActionComponent
  const defaults = [action('publish'), action('unpublish'), action('discardChanges'), action('duplicate'), action('delete')]

  test('a fixed-id page cannot be duplicated; publish, unpublish, discard and delete stay', () => {
    for (const id of ['hub-greener-ahp', 'drafts.guidance-job-planning']) {
      expect(actionsFor(defaults, id).map((a) => a.action)).toEqual(['publish', 'unpublish', 'discardChanges', 'delete'])
    }
  })

  test('other documents keep every action', () => {
    const names = defaults.map((a) => a.action)
    expect(actionsFor(defaults, 'profession-dietitians').map((a) => a.action)).toEqual(names)
    expect(actionsFor(defaults, undefined).map((a) => a.action)).toEqual(names)
    // delete and unpublish explain when published documents refer to the document (studio/references.tsx)
    const unpublish = actionsFor(defaults, 'profession-dietitians').find((a) => a.action === 'unpublish')
    expect(unpublish).not.toBe(defaults.find((a) => a.action === 'unpublish'))
    expect(actionsFor(defaults, 'organisation-hcpc').find((a) => a.action === 'unpublish')).toBe(unpublish)
  })
})

describe('templates', () => {
  test('a case example for a profession starts linked to it', async () => {
    const value = caseExampleForProfessionTemplate.value
    expect(typeof value).toBe('function')
    const resolved = await (value as (params: {professionId: string}) => unknown)({professionId: 'profession-orthoptists'})
    expect(resolved).toEqual({profession: {_type: 'reference', _ref: 'profession-orthoptists'}})
    expect(templates([]).map((t) => t.id)).toEqual([CASE_EXAMPLE_FOR_PROFESSION])
  })

  test('the global Create menu never offers it (it needs the profession)', () => {
    const items = [{templateId: 'caseExample'}, {templateId: CASE_EXAMPLE_FOR_PROFESSION}] as TemplateItem[]
    expect(globalNewDocumentOptions(items, 'global').map((i) => i.templateId)).toEqual(['caseExample'])
    expect(globalNewDocumentOptions(items, 'structure')).toEqual(items)
  })
})
