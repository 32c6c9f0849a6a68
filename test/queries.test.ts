import {join} from 'node:path'

import {beforeAll, describe, expect, test} from 'vitest'

import {
  caseExamplesByProfessionQuery,
  cpdCategoriesQuery,
  currentFrameworksQuery,
  frameworkBySlugQuery,
  frameworksQuery,
  guidanceBySlugQuery,
  hubBySlugQuery,
  personByRoleQuery,
  professionBySlugQuery,
  professionsByRegulatorQuery,
  professionsQuery,
  quickGuidesByFrameworkQuery,
  resourcesByPublisherQuery,
} from '../queries'
import type {
  CpdCategoriesQueryResult,
  CurrentFrameworksQueryResult,
  FrameworkBySlugQueryResult,
  FrameworksQueryResult,
  GuidanceBySlugQueryResult,
  HubBySlugQueryResult,
  PersonByRoleQueryResult,
  ProfessionBySlugQueryResult,
  ProfessionsByRegulatorQueryResult,
  ProfessionsQueryResult,
  QuickGuidesByFrameworkQueryResult,
  ResourcesByPublisherQueryResult,
} from '../sanity.types'
import {FileSource, type StoredDocument} from '../sources'

/** The seed content, read the way a frontend reads it: GROQ over published documents. */
const seed = new FileSource(join(import.meta.dirname, '..', 'content', 'dataset.ndjson'), 'published')

describe('the seed content answers what the source page says', () => {
  beforeAll(async () => {
    expect(await seed.loadProblems()).toEqual([])
  })

  test('14 professions, 13 regulated by the HCPC and 1 by the General Osteopathic Council', async () => {
    const professions = await seed.fetch<ProfessionsQueryResult>(professionsQuery)
    expect(professions).toHaveLength(14)
    const byRegulator = await seed.fetch<ProfessionsByRegulatorQueryResult>(professionsByRegulatorQuery)
    expect(byRegulator.map((group) => [group.title, group.professions.length])).toEqual([
      ['Health and Care Professions Council', 13],
      ['General Osteopathic Council', 1],
    ])
    expect(byRegulator[1]!.professions[0]!.title).toBe('Osteopaths')
    for (const profession of byRegulator.flatMap((group) => group.professions)) {
      expect(profession.protectedTitles?.length, profession.title ?? '').toBeGreaterThan(0)
    }
  })

  test('a profession by slug comes with its regulator and protected titles', async () => {
    const physios = await seed.fetch<ProfessionBySlugQueryResult>(professionBySlugQuery, {slug: 'physiotherapists'})
    expect(physios?.regulator?.shortName).toBe('HCPC')
    expect(physios?.protectedTitles).toContain('Physiotherapist')
    const podiatrists = await seed.fetch<ProfessionBySlugQueryResult>(professionBySlugQuery, {slug: 'podiatrists'})
    expect(podiatrists?.alsoKnownAs?.map((name) => name.toLowerCase())).toContain('chiropodists')
  })

  test('AHPs into Action runs from 2017 to the end of 2021 and is not current', async () => {
    const framework = await seed.fetch<FrameworkBySlugQueryResult>(frameworkBySlugQuery, {slug: 'ahps-into-action'})
    expect(framework?.expiresAt).toBe('2021-12-31')
    expect(framework?.validFrom?.slice(0, 4)).toBe('2017')
    expect(framework?.status).not.toBe('current')
    expect(framework?.development?.contributionCount).toBe(16000)
    expect(framework?.development?.contributionYear).toBe(2016)
    expect(framework?.examplesCount).toBe(50)
    expect(framework?.priorityCount).toBe(4)
    expect(framework?.priorities?.map((p) => p.title)).toContain('Enabling AHPs to use information and technology')
    expect(framework?.implementation?.durationYears).toBe(4)
    expect(framework?.getInvolved?.hashtag).toBe('#AHPsintoAction')
    expect(framework?.quickGuides.map((guide) => guide.title).sort()).toHaveLength(2)
  })

  test('the Next Chapter is in development and replaces AHPs into Action; the Digital Framework is part of it', async () => {
    const frameworks = await seed.fetch<FrameworksQueryResult>(frameworksQuery)
    const next = frameworks.find((framework) => framework.title?.includes('Next Chapter'))
    expect(next?.status).toBe('inDevelopment')
    expect(next?.supersedes?.slug).toBe('ahps-into-action')
    expect(frameworks.find((framework) => framework.slug === 'ahps-into-action')?.supersededBy?._id).toBe(next?._id)
    const digital = await seed.fetch<FrameworkBySlugQueryResult>(frameworkBySlugQuery, {slug: frameworks.find((f) => f.title?.startsWith('A Digital Framework'))!.slug!})
    expect(digital?.partOf?.slug).toBe('ahps-into-action')
    expect(digital?.goals?.join(' ')).toMatch(/paper-free at the point of care/)
  })

  test('current frameworks exclude expired ones', async () => {
    const current = await seed.fetch<CurrentFrameworksQueryResult>(currentFrameworksQuery, {today: '2026-11-26'})
    expect(current.map((framework) => framework.slug)).not.toContain('ahps-into-action')
    const atLaunch = await seed.fetch<CurrentFrameworksQueryResult>(currentFrameworksQuery, {today: '2017-06-01'})
    for (const framework of atLaunch) expect(framework.status).toBe('current')
  })

  test('two quick guides belong to AHPs into Action, care homes with its NHS Long Term Plan context', async () => {
    const guides = await seed.fetch<QuickGuidesByFrameworkQueryResult>(quickGuidesByFrameworkQuery, {frameworkSlug: 'ahps-into-action'})
    expect(guides).toHaveLength(2)
    const careHomes = guides.find((guide) => /care homes/i.test(guide.title ?? ''))
    expect(careHomes?.policyContext).toMatch(/NHS Long Term Plan/)
    expect(guides.some((guide) => /cancer/i.test(guide.title ?? ''))).toBe(true)
  })

  test('four CPD categories in order, each with the page\'s examples', async () => {
    const categories = await seed.fetch<CpdCategoriesQueryResult>(cpdCategoriesQuery)
    expect(categories.map((category) => category.title)).toEqual(['Work-based learning', 'Professional activity', 'Formal education', 'Self-directed learning'])
    expect(categories.map((category) => category.order)).toEqual([1, 2, 3, 4])
    expect(categories[3]!.examples?.join(' ')).toMatch(/reading articles or books/i)
  })

  test('the Greener AHP hub has its three aims and complements Delivering a Net Zero NHS', async () => {
    const hub = await seed.fetch<HubBySlugQueryResult>(hubBySlugQuery, {slug: 'greener-ahp-hub'})
    expect(hub?.aims).toHaveLength(3)
    expect(hub?.complements?.map((resource) => resource.slug)).toContain('delivering-a-net-zero-nhs')
  })

  test('job planning guidance says what it supplements and replaces, and offers the capacity template', async () => {
    const guidance = await seed.fetch<GuidanceBySlugQueryResult>(guidanceBySlugQuery, {slug: 'job-planning'})
    expect(guidance?.replaces?.[0]?.publishedYear).toBe(2017)
    expect(guidance?.supplements?.[0]?.title).toMatch(/e-rostering and e-job planning/)
    expect(guidance?.tools?.[0]?.kind).toBe('template')
  })

  test('the Chief Allied Health Professions Officer', async () => {
    const person = await seed.fetch<PersonByRoleQueryResult>(personByRoleQuery, {role: 'Chief Allied Health Professions Officer'})
    expect(person?.name).toBe('Suzanne Rastrick')
    expect(person?.twitterHandle).toBe('@SuzanneRastrick')
  })

  test('resources are grouped by publisher', async () => {
    const publishers = await seed.fetch<ResourcesByPublisherQueryResult>(resourcesByPublisherQuery)
    expect(publishers.length).toBeGreaterThan(1)
    for (const publisher of publishers) expect(publisher.resources.length).toBeGreaterThan(0)
  })

  test('no invented case studies: the page names none, so the seed has no case examples', async () => {
    expect(await seed.fetch<number>('count(*[_type == "caseExample"])')).toBe(0)
  })

  test('the page\'s typos are corrected in the seed content', async () => {
    const text = JSON.stringify(await seed.fetch<StoredDocument[]>('*'))
    for (const typo of [/guidence/i, /implimenting/i, /carerr/i, /Health Care Professionals council/i, /over tim\b/, /NHS Englands/]) {
      expect(text).not.toMatch(typo)
    }
  })
})

describe('case examples by profession (fixture: the seed has none)', () => {
  test('returns the examples linked to a profession, and none for another', async () => {
    const fixture = FileSource.fromDocuments(
      (await import('./fixtures/caseExample/valid.json', {with: {type: 'json'}})).default as StoredDocument[],
    )
    const profession = await fixture.fetch<{slug: string}>('*[_type == "profession"][0]{"slug": slug.current}')
    const examples = await fixture.fetch<Array<{title: string | null}>>(caseExamplesByProfessionQuery, {professionSlug: profession.slug})
    expect(examples).toHaveLength(1)
    expect(await fixture.fetch<unknown[]>(caseExamplesByProfessionQuery, {professionSlug: 'no-such-profession'})).toEqual([])
  })
})
