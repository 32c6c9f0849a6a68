import {
  BookIcon,
  BulbOutlineIcon,
  CaseIcon,
  DocumentTextIcon,
  EarthGlobeIcon,
  FolderIcon,
  HomeIcon,
  LaunchIcon,
  StackIcon,
  UserIcon,
  UsersIcon,
} from '@sanity/icons'
import type {ComponentType} from 'react'
import type {SortOrderingItem} from 'sanity'
import type {ListItemBuilder, StructureBuilder, StructureResolver} from 'sanity/structure'

import {CASE_EXAMPLE_FOR_PROFESSION} from './templates'

/** The API version the Studio's own document lists query with. */
const LIST_API_VERSION = '2025-02-19'

/**
 * How each list is sorted when an editor opens it: the way they look for things. An editor can
 * still pick another order from the list's menu; the Studio remembers their choice.
 */
export const LIST_ORDERINGS = {
  /** Professions A to Z. */
  profession: [{field: 'title', direction: 'asc'}],
  /** Newest first: a framework still in development has no start date and comes first. */
  framework: [
    {field: 'validFrom', direction: 'desc'},
    {field: 'title', direction: 'asc'},
  ],
  quickGuide: [{field: 'title', direction: 'asc'}],
  /** The latest edited first: case examples are found by what was worked on. */
  caseExample: [{field: '_updatedAt', direction: 'desc'}],
  /** CPD categories in the order the guidance lists them. */
  cpdCategory: [
    {field: 'order', direction: 'asc'},
    {field: 'title', direction: 'asc'},
  ],
  hub: [{field: 'title', direction: 'asc'}],
  guidance: [{field: 'title', direction: 'asc'}],
  resource: [{field: 'title', direction: 'asc'}],
  organisation: [{field: 'title', direction: 'asc'}],
  person: [{field: 'name', direction: 'asc'}],
} satisfies Record<string, SortOrderingItem[]>

export type ListedType = keyof typeof LIST_ORDERINGS

/** A document that exists once at a known id: the Studio opens it directly. */
export interface FixedDocument {
  id: string
  type: ListedType
  title: string
  icon: ComponentType
}

/** The hub pages and the job planning guidance: one page each, at the ids the seed gives them. */
export const FIXED_DOCUMENTS: readonly FixedDocument[] = [
  {id: 'hub-allied-health-professionals', type: 'hub', title: 'Allied health professionals hub', icon: HomeIcon},
  {id: 'hub-greener-ahp', type: 'hub', title: 'Greener AHP hub', icon: EarthGlobeIcon},
  {id: 'guidance-job-planning', type: 'guidance', title: 'Job planning guidance', icon: DocumentTextIcon},
]

/** The sections of the content list, in an editor's words and in the order they appear. */
export const SECTION_TITLES = [
  'Professions',
  'Strategy and frameworks',
  'Quick guides',
  'Case examples',
  'CPD',
  'Hubs and guidance',
  'Resources and organisations',
  'People',
] as const

/** Every published and draft document of a type, sorted the editor's way. */
function typeList(S: StructureBuilder, type: ListedType, title: string) {
  return S.documentTypeList(type).title(title).apiVersion(LIST_API_VERSION).defaultOrdering(LIST_ORDERINGS[type])
}

function typeItem(S: StructureBuilder, type: ListedType, title: string, icon: ComponentType): ListItemBuilder {
  return S.listItem().id(type).title(title).icon(icon).schemaType(type).child(typeList(S, type, title))
}

function fixedDocumentItem(S: StructureBuilder, doc: FixedDocument): ListItemBuilder {
  return S.listItem()
    .id(doc.id)
    .title(doc.title)
    .icon(doc.icon)
    .schemaType(doc.type)
    .child(S.document().schemaType(doc.type).documentId(doc.id).title(doc.title))
}

/** The case examples of one profession; a new one made here starts linked to it. */
export function caseExamplesOfProfession(S: StructureBuilder, professionId: string) {
  return S.documentList()
    .id(`case-examples-${professionId}`)
    .title('Case examples')
    .schemaType('caseExample')
    .apiVersion(LIST_API_VERSION)
    .filter('_type == "caseExample" && profession._ref == $professionId')
    .params({professionId})
    .defaultOrdering(LIST_ORDERINGS.caseExample)
    .initialValueTemplates([S.initialValueTemplateItem(CASE_EXAMPLE_FOR_PROFESSION, {professionId})])
}

/** Case examples: all of them, or those of one profession (new ones start linked to it). */
function caseExamplesItem(S: StructureBuilder): ListItemBuilder {
  return S.listItem()
    .id('case-examples')
    .title('Case examples')
    .icon(CaseIcon)
    .child(
      S.list()
        .id('case-examples')
        .title('Case examples')
        .items([
          typeItem(S, 'caseExample', 'All case examples', CaseIcon),
          S.listItem()
            .id('case-examples-by-profession')
            .title('By profession')
            .icon(UsersIcon)
            .child(
              typeList(S, 'profession', 'Case examples by profession')
                .id('case-examples-by-profession')
                .child((professionId: string) => caseExamplesOfProfession(S, professionId)),
            ),
        ]),
    )
}

function hubsAndGuidanceItem(S: StructureBuilder): ListItemBuilder {
  return S.listItem()
    .id('hubs-and-guidance')
    .title('Hubs and guidance')
    .icon(EarthGlobeIcon)
    .child(
      S.list()
        .id('hubs-and-guidance')
        .title('Hubs and guidance')
        .items([
          ...FIXED_DOCUMENTS.map((doc) => fixedDocumentItem(S, doc)),
          S.divider(),
          typeItem(S, 'hub', 'All hubs', FolderIcon),
          typeItem(S, 'guidance', 'All guidance', FolderIcon),
        ]),
    )
}

function resourcesAndOrganisationsItem(S: StructureBuilder): ListItemBuilder {
  return S.listItem()
    .id('resources-and-organisations')
    .title('Resources and organisations')
    .icon(LaunchIcon)
    .child(
      S.list()
        .id('resources-and-organisations')
        .title('Resources and organisations')
        .items([typeItem(S, 'resource', 'Resources', LaunchIcon), typeItem(S, 'organisation', 'Organisations', HomeIcon)]),
    )
}

/** The Studio's content list: the structure tool's root. */
export const structure: StructureResolver = (S) =>
  S.list()
    .id('content')
    .title('Content')
    .items([
      typeItem(S, 'profession', 'Professions', UsersIcon),
      typeItem(S, 'framework', 'Strategy and frameworks', BookIcon),
      typeItem(S, 'quickGuide', 'Quick guides', BulbOutlineIcon),
      caseExamplesItem(S),
      typeItem(S, 'cpdCategory', 'CPD', StackIcon),
      hubsAndGuidanceItem(S),
      resourcesAndOrganisationsItem(S),
      typeItem(S, 'person', 'People', UserIcon),
    ])
