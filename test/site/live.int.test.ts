import {request as httpRequest} from 'node:http'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {requester as baseRequester, type SanityDocument} from '@sanity/client'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {startSite, type RunningSite} from '../../site/server'
import {startTestServer, type TestServer} from '../server/helpers'

/**
 * The live site against the real local server: the public mode shows published content only,
 * whatever the request asks for; a preview needs a secret the Studio created for a signed-in user
 * (here written as the Studio writes it); a preview session shows drafts, or a release, and its
 * page changes when the draft does.
 */
const ROOT = join(import.meta.dirname, '..', '..')
const PROFESSION = 'profession-dietitians'
const PATH = '/professions/dietitians'
const PUBLISHED = 'Dietitians assess, diagnose and treat diet and nutrition problems'

interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

function get(url: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, {headers}, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => resolve({status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8')}))
    })
    req.on('error', reject)
    req.end()
  })
}

function post(url: string, body: string, cookie?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, {method: 'POST', headers: cookie ? {cookie} : {}}, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => resolve({status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8')}))
    })
    req.on('error', reject)
    req.end(body)
  })
}

function summaryOf(html: string): string {
  return /<p class="nhsuk-lede-text"[^>]*>([^<]*)<\/p>/.exec(html)?.[1] ?? ''
}

describe('live site', () => {
  let api: TestServer
  let site: RunningSite
  let publishedSummary: string

  beforeAll(async () => {
    api = await startTestServer()
    api.server.store.create('test')
    const client = api.client()
    const tx = client.transaction()
    for (const line of readFileSync(join(ROOT, 'content', 'dataset.ndjson'), 'utf8').split('\n')) {
      if (line.trim()) tx.createOrReplace(JSON.parse(line) as SanityDocument)
    }
    await tx.commit()
    const published = await client.getDocument(PROFESSION)
    publishedSummary = String(published?.summary)
    expect(publishedSummary).toContain(PUBLISHED)
    await client.create({...(published as SanityDocument), _id: `drafts.${PROFESSION}`, summary: 'Draft summary: not yet published.'})
    await client.create({_id: 'drafts.profession-draft-only', _type: 'profession', title: 'Draft-only profession', slug: {_type: 'slug', current: 'draft-only'}, summary: 'Never published.'})
    await client.releases.create({releaseId: 'rnext', metadata: {title: 'Next chapter'}})
    await client.createVersion({document: {...(published as SanityDocument), _id: `versions.rnext.${PROFESSION}`, summary: 'Release summary: due with the next chapter.'}, publishedId: PROFESSION, releaseId: 'rnext'})
    const ca = api.server.tls.ca
    site = await startSite({
      apiHost: api.server.url,
      projectId: 'local',
      dataset: 'test',
      // A viewer token, as the README asks for: it can read drafts and the Studio's preview secrets.
      previewToken: api.server.tokens.create('viewer').token,
      log: (line) => process.stderr.write(`[site] ${line}\n`),
      clientConfig: {requester: baseRequester.clone().use({finalizeOptions: <T extends object>(options: T): T => ({...options, ca})})},
    })
  })

  afterAll(async () => {
    await site?.close()
    await api?.close()
  })

  /** A secret as the Studio's Presentation tool writes it for its signed-in user. */
  async function studioSecret(secret: string): Promise<void> {
    await api.client().createOrReplace({_id: `sanity-preview-url-secret.${secret.slice(0, 12)}`, _type: 'sanity.previewUrlSecret', secret, source: 'test', studioUrl: 'https://localhost:3333', userId: 'editor'})
  }

  async function enable(secret: string, perspective = 'drafts'): Promise<Answer> {
    const query = new URLSearchParams({'sanity-preview-secret': secret, 'sanity-preview-pathname': PATH, 'sanity-preview-perspective': perspective})
    return get(`${site.url}/api/preview/enable?${query}`)
  }

  it('shows the public only what is published, whatever the request asks for', async () => {
    for (const suffix of ['', '?perspective=drafts', '?sanity-preview-perspective=drafts', '?perspective=rnext']) {
      const page = await get(`${site.url}${PATH}${suffix}`)
      expect(page.status).toBe(200)
      expect(summaryOf(page.body)).toBe(publishedSummary)
      expect(page.body).not.toContain('data-sanity')
      expect(page.body).not.toContain('<script type="module"')
    }
    // A document that exists only as a draft has no public page, nor a link from the lists.
    expect((await get(`${site.url}/professions/draft-only`)).status).toBe(404)
    expect((await get(`${site.url}/professions`)).body).not.toContain('Draft-only profession')
    const forged = await get(`${site.url}${PATH}`, {cookie: 'ahp_preview=made-up'})
    expect(summaryOf(forged.body)).toBe(publishedSummary)
    expect((await get(`${site.url}/__preview/events`)).status).toBe(404)
  })

  it('refuses a preview without a valid secret, and sets no session', async () => {
    for (const secret of ['', 'not-a-secret-the-studio-made']) {
      const answer = await enable(secret)
      expect(answer.status).toBe(401)
      expect(answer.headers['set-cookie']).toBeUndefined()
    }
  })

  it('previews drafts with a secret the Studio made, with overlays', async () => {
    await studioSecret('secret-for-drafts-0123456789')
    const answer = await enable('secret-for-drafts-0123456789')
    expect(answer.status).toBe(307)
    expect(answer.headers.location).toBe(`${PATH}?sanity-preview-perspective=drafts`)
    const cookie = String(answer.headers['set-cookie']).split(';')[0]!
    const page = await get(`${site.url}${PATH}`, {cookie})
    expect(summaryOf(page.body)).toBe('Draft summary: not yet published.')
    expect(page.body).toContain(`data-sanity="id=${PROFESSION};type=profession;path=summary"`)
    expect(page.headers['cache-control']).toBe('private, no-store')
    const draftOnly = await get(`${site.url}/professions/draft-only`, {cookie})
    expect(draftOnly.status).toBe(200)
    expect(summaryOf(draftOnly.body)).toBe('Never published.')
    // The public still sees the published summary.
    expect(summaryOf((await get(`${site.url}${PATH}`)).body)).toBe(publishedSummary)
  })

  it('sends a preview only to a page of this site', async () => {
    await studioSecret('secret-for-redirects-0123456789')
    for (const pathname of ['//evil.example/x', '/\\evil.example/x', 'https://evil.example/x']) {
      const query = new URLSearchParams({'sanity-preview-secret': 'secret-for-redirects-0123456789', 'sanity-preview-pathname': pathname})
      const answer = await get(`${site.url}/api/preview/enable?${query}`)
      expect(answer.status).toBe(307)
      expect(String(answer.headers.location)).toMatch(/^\/(?![\/\\])/)
      expect(String(answer.headers.location)).not.toContain('evil.example')
    }
  })

  it('previews a release when the Studio asks for its perspective', async () => {
    await studioSecret('secret-for-release-0123456789')
    const answer = await enable('secret-for-release-0123456789', 'rnext,drafts')
    const cookie = String(answer.headers['set-cookie']).split(';')[0]!
    const page = await get(`${site.url}${PATH}`, {cookie})
    expect(summaryOf(page.body)).toBe('Release summary: due with the next chapter.')
  })

  it('follows the Studio\'s perspective switcher within a session, and loads its script only in preview', async () => {
    await studioSecret('secret-for-switching-0123456789')
    const cookie = String((await enable('secret-for-switching-0123456789')).headers['set-cookie']).split(';')[0]!
    const script = await get(`${site.url}/__preview/client.js`, {cookie})
    expect(script.status).toBe(200)
    expect(script.body).toContain('visual-editing')
    expect(summaryOf((await get(`${site.url}${PATH}`, {cookie})).body)).toMatch(/^Draft summary/)
    expect((await post(`${site.url}/api/preview/perspective`, 'rnext,drafts', cookie)).status).toBe(204)
    expect(summaryOf((await get(`${site.url}${PATH}`, {cookie})).body)).toBe('Release summary: due with the next chapter.')
    // Without a session the switch does nothing, and the page stays public.
    expect((await post(`${site.url}/api/preview/perspective`, 'drafts')).status).toBe(404)
    expect(summaryOf((await get(`${site.url}${PATH}`)).body)).toBe(publishedSummary)
    expect((await get(`${site.url}/__preview/client.js`)).status).toBe(404)
  })

  it('tells a preview page when its content changes', async () => {
    await studioSecret('secret-for-events-0123456789')
    const cookie = String((await enable('secret-for-events-0123456789')).headers['set-cookie']).split(';')[0]!
    const events = await new Promise<string>((resolve, reject) => {
      const req = httpRequest(`${site.url}/__preview/events`, {headers: {cookie}}, (res) => {
        let text = ''
        let patched = false
        res.on('data', (chunk: Buffer) => {
          text += chunk.toString('utf8')
          if (text.includes('event: ready') && !patched && (patched = true)) void api.client().patch(`drafts.${PROFESSION}`).set({summary: 'Draft summary, edited again.'}).commit()
          if (text.includes('event: change')) {
            req.destroy()
            resolve(text)
          }
        })
      })
      req.on('error', (error) => (error.message.includes('aborted') ? undefined : reject(error)))
      req.end()
    })
    expect(events).toContain(`"documentId":"drafts.${PROFESSION}"`)
    const page = await get(`${site.url}${PATH}`, {cookie})
    expect(summaryOf(page.body)).toBe('Draft summary, edited again.')
  })
})
