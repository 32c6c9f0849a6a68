import {readFileSync} from 'node:fs'

import {createClient} from '@sanity/client'
import {evaluate, parse} from 'groq-js'
import {createWorkspaceFromConfig, type SortOrderingItem, type Workspace} from 'sanity'
import {createStructureBuilder, type StructureBuilder} from 'sanity/structure'
import {beforeAll, describe, expect, test} from 'vitest'

import {schemaTypes} from '../../schemas'
import {LOCAL_DATASET, LOCAL_PROJECT_ID} from '../../studio/project'
import {caseExamplesOfProfession, FIXED_DOCUMENTS, LIST_ORDERINGS, SECTION_TITLES, structure} from '../../studio/structure'
import {CASE_EXAMPLE_FOR_PROFESSION, templates} from '../../studio/templates'

/** The structure as the Studio gets it: built with Sanity's own builder, then serialised. */
interface SerializedNode {
  id: string
  title?: string
  type: string
  items?: SerializedNode[]
  child?: SerializedNode
  schemaTypeName?: string
  options?: {
    filter?: string
    params?: Record<string, unknown>
    defaultOrdering?: SortOrderingItem[]
    id?: string
    type?: string
  }
  initialValueTemplates?: {templateId: string; parameters?: Record<string, unknown>}[]
}

const seed = readFileSync(new URL('../../content/dataset.ndjson', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Record<string, unknown> & {_id: string; _type: string})

let S: StructureBuilder
let root: SerializedNode

beforeAll(async () => {
  const workspace: Workspace = await createWorkspaceFromConfig({
    name: 'structure-test',
    projectId: LOCAL_PROJECT_ID,
    dataset: LOCAL_DATASET,
    schema: {types: schemaTypes, templates},
    currentUser: {id: 'structure-test', name: 'Test', email: 'test@localhost', role: 'editor', roles: [{name: 'editor', title: 'Editor'}]},
    getClient: () => createClient({projectId: LOCAL_PROJECT_ID, dataset: LOCAL_DATASET, apiVersion: '2025-02-19', useCdn: false, apiHost: 'https://offline.invalid'}),
  })
  const source = workspace.unstable_sources[0]
  if (!source) throw new Error('the workspace has no source')
  S = createStructureBuilder({source, perspectiveStack: []})
  const built = await structure(S, {} as never)
  root = (built as unknown as {serialize: () => SerializedNode}).serialize()
})

function section(title: string): SerializedNode {
  const found = root.items?.find((item) => item.title === title)
  if (!found) throw new Error(`no section "${title}"`)
  return found
}

function subItem(sectionTitle: string, title: string): SerializedNode {
  const found = section(sectionTitle).child?.items?.find((item) => item.title === title)
  if (!found) throw new Error(`no item "${title}" in "${sectionTitle}"`)
  return found
}

/** What the Studio asks the server for a document list: its filter, sorted its way. */
async function listedTitles(list: SerializedNode): Promise<string[]> {
  const {filter, params, defaultOrdering} = list.options ?? {}
  if (!filter || !defaultOrdering) throw new Error(`"${list.title}" is not a document list`)
  const order = defaultOrdering.map(({field, direction}) => `${field} ${direction}`).join(', ')
  const query = `*[${filter}] | order(${order}) { "label": coalesce(title, name) }`
  const result = (await (await evaluate(parse(query), {dataset: seed, params: params ?? {}})).get()) as {label: string}[]
  return result.map((row) => row.label)
}

describe('studio structure', () => {
  test('sections appear in the editors\' words and order', () => {
    expect(root.items?.filter((item) => item.type === 'listItem').map((item) => item.title)).toEqual([...SECTION_TITLES])
  })

  test('every document type of the schema can be reached from a section', () => {
    const reachable = new Set<string>()
    const visit = (node: SerializedNode | undefined) => {
      if (!node) return
      if (node.type === 'documentList' && node.options?.params?.type) reachable.add(String(node.options.params.type))
      if (node.type === 'document' && node.options?.type) reachable.add(node.options.type)
      node.items?.forEach((item) => visit(item.child))
      visit(node.child)
    }
    visit(root)
    const documentTypes = schemaTypes.filter((type) => type.type === 'document').map((type) => type.name)
    expect([...reachable].sort()).toEqual([...documentTypes].sort())
  })

  test('professions are listed A to Z', async () => {
    const titles = await listedTitles(section('Professions').child!)
    expect(titles).toHaveLength(14)
    expect(titles).toEqual([...titles].sort((a, b) => a.localeCompare(b, 'en-GB')))
    expect(titles[0]).toBe('Art therapists')
  })

  test('frameworks are listed newest first: in development (no start date) first, then by start date', async () => {
    const list = section('Strategy and frameworks').child!
    expect(list.options?.defaultOrdering?.[0]).toEqual({field: 'validFrom', direction: 'desc'})
    const titles = await listedTitles(list)
    expect(titles.at(-1)).toBe('AHPs into Action')
    expect(titles).toHaveLength(3)
  })

  test('CPD categories follow the order the guidance gives them', async () => {
    const titles = await listedTitles(section('CPD').child!)
    const byOrder = seed
      .filter((doc) => doc._type === 'cpdCategory')
      .sort((a, b) => Number(a.order) - Number(b.order))
      .map((doc) => doc.title)
    expect(titles).toEqual(byOrder)
  })

  test('people are listed by name, resources and organisations by title', async () => {
    expect(section('People').child?.options?.defaultOrdering).toEqual([{field: 'name', direction: 'asc'}])
    const resources = await listedTitles(subItem('Resources and organisations', 'Resources').child!)
    expect(resources).toEqual([...resources].sort((a, b) => a.localeCompare(b, 'en-GB')))
    const organisations = await listedTitles(subItem('Resources and organisations', 'Organisations').child!)
    expect(organisations).toHaveLength(5)
  })

  test('hub and guidance pages open the document at its fixed id, and those ids exist in the seed', () => {
    for (const fixed of FIXED_DOCUMENTS) {
      const item = subItem('Hubs and guidance', fixed.title)
      expect(item.child?.type).toBe('document')
      expect(item.child?.options).toMatchObject({id: fixed.id, type: fixed.type})
      expect(seed.find((doc) => doc._id === fixed.id)?._type).toBe(fixed.type)
    }
  })

  test('every list of a type is sorted the way LIST_ORDERINGS says', () => {
    const lists: SerializedNode[] = []
    const visit = (node: SerializedNode | undefined) => {
      if (!node) return
      if (node.type === 'documentList') lists.push(node)
      node.items?.forEach((item) => visit(item.child))
    }
    visit(root)
    expect(lists.length).toBeGreaterThanOrEqual(11)
    for (const list of lists) {
      const type = String(list.options?.params?.type) as keyof typeof LIST_ORDERINGS
      expect(list.options?.defaultOrdering, list.title).toEqual(LIST_ORDERINGS[type])
    }
  })

  test('case examples of a profession are those linked to it, and new ones start linked to it', async () => {
    const list = (caseExamplesOfProfession(S, 'profession-dietitians') as unknown as {serialize: () => SerializedNode}).serialize()
    expect(list.initialValueTemplates).toEqual([
      expect.objectContaining({templateId: CASE_EXAMPLE_FOR_PROFESSION, parameters: {professionId: 'profession-dietitians'}}),
    ])
    const dataset = [
      {_id: 'a', _type: 'caseExample', title: 'Dietitians in care homes', profession: {_ref: 'profession-dietitians'}},
      {_id: 'b', _type: 'caseExample', title: 'Physio first contact', profession: {_ref: 'profession-physiotherapists'}},
    ]
    const query = `*[${list.options?.filter}]._id`
    const ids = await (await evaluate(parse(query), {dataset, params: list.options?.params ?? {}})).get()
    expect(ids).toEqual(['a'])
  })
})
