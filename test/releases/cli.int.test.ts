import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'
import {runContentReleases, SUBCOMMANDS} from '../../scripts/content-releases.js'
import type {CliIo} from '../../scripts/lib/cli.js'
import {ManualClock} from '../../server/clock.js'
import {formatUkTime} from '../../server/ukTime.js'
import {runCli} from '../helpers/runCli.js'
import {releaseFixture, startReleaseServer, type ReleaseServer} from './helpers.js'

const NEXT = 'framework-ahps-into-action-next-chapter'
const ENGAGEMENT = 'framework-ahps-into-action-next-chapter-engagement'
const CANCER = 'quick-guide-ahps-into-action-on-cancer'

/** `YYYY-MM-DD HH:MM` in UK time, as an editor types it. */
function ukWallClock(date: Date): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {timeZone: 'Europe/London', hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit'})
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  )
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`
}

describe('npm run content:releases against the local server', () => {
  let server: ReleaseServer
  let env: NodeJS.ProcessEnv
  // the CLI refuses past times by the real clock: the server's clock starts at the real "now" too
  const now = new Date(Math.ceil(Date.now() / 60_000) * 60_000)
  const publishAt = new Date(now.getTime() + 2 * 60 * 60_000)

  beforeAll(async () => {
    server = await startReleaseServer({clock: new ManualClock(now)})
    env = {AHP_DATA_DIR: server.dataDir, SANITY_API_TOKEN: '', AHP_TOKEN: '', SANITY_PROJECT_ID: ''}
  })
  afterAll(() => server.close())

  async function cli(...argv: string[]): Promise<{code: number; out: string; err: string}> {
    const sink = {out: '', err: ''}
    const io: CliIo = {env, stdout: (t) => void (sink.out += t), stderr: (t) => void (sink.err += t)}
    const code = await runContentReleases([...argv, '--source', server.server.url, '--dataset', 'test'], io)
    return {code, ...sink}
  }

  test('create, add (a new document from a file, a changed draft, an unpublish), schedule in UK time, list', async () => {
    const created = await cli('create', '--title', 'AHPs into Action: Next Chapter', '--id', 'next-chapter', '--at', ukWallClock(publishAt))
    expect(created).toMatchObject({code: 0, out: 'next-chapter\n'})
    expect(created.err).toContain(`intended for ${formatUkTime(publishAt)}`)

    const fixture = releaseFixture('next-chapter-release')
    const file = join(server.dataDir, 'next-chapter.ndjson')
    writeFileSync(file, fixture.create.map((doc) => JSON.stringify(doc)).join('\n'))
    await server.sanity.createOrReplace({...fixture.change[0], _id: `drafts.${CANCER}`} as {_id: string; _type: string})
    const added = await cli('add', 'next-chapter', CANCER, '--file', file, '--unpublish', ENGAGEMENT)
    expect(added).toMatchObject({code: 0, err: 'Added 3 documents to release "next-chapter"\n'})

    const scheduled = await cli('schedule', 'next-chapter', '--at', ukWallClock(publishAt))
    expect(scheduled.code).toBe(0)
    expect(scheduled.out).toBe(`Scheduled release "next-chapter" to publish ${formatUkTime(publishAt)}\n`)
    expect(scheduled.out).toMatch(/ (GMT|BST) \(\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\)/)

    const listed = await cli('list')
    expect(listed.code).toBe(0)
    expect(listed.out).toContain('next-chapter  scheduled  AHPs into Action: Next Chapter')
    expect(listed.out).toContain(`publishes: ${formatUkTime(publishAt)}`)
    expect(listed.out).toContain('documents: 3 (1 to unpublish)')
    const json = JSON.parse((await cli('list', '--format', 'json')).out) as {releaseId: string; state: string; publishAt: string}[]
    expect(json).toEqual([expect.objectContaining({releaseId: 'next-chapter', state: 'scheduled', publishAt: publishAt.toISOString()})])
  })

  test('a schedule in the past or a time that is not one is refused with a clear message', async () => {
    const past = await cli('schedule', 'next-chapter', '--at', '2020-01-01 09:00')
    expect(past.code).toBe(1)
    expect(past.err).toContain('--at Wed, 1 Jan 2020, 09:00 GMT (2020-01-01 09:00 UTC) is in the past (it is now ')
    expect(past.err).toContain('choose a time in the future')
    const gap = await cli('schedule', 'next-chapter', '--at', '2027-03-28 01:30')
    expect(gap.code).toBe(2)
    expect(gap.err).toContain('does not exist in UK time (the clocks go forward an hour)')
    expect((await cli('schedule', 'next-chapter', '--at', 'tomorrow')).code).toBe(2)
    // still scheduled as before
    expect(await server.sanity.releases.get({releaseId: 'next-chapter'})).toMatchObject({state: 'scheduled', publishAt: publishAt.toISOString()})
  })

  test('two run-due processes at once publish the release once; a third finds nothing due', async () => {
    const before = await server.sanity.fetch(`defined(*[_id == $id][0])`, {id: NEXT})
    expect(before).toBe(false)
    const early = await cli('run-due', '--now', new Date(publishAt.getTime() - 60_000).toISOString())
    expect(early).toMatchObject({code: 0, out: ''})
    expect(early.err).toContain('No releases due')

    const args = ['run-due', '--source', server.server.url, '--dataset', 'test', '--now', new Date(publishAt.getTime() + 60_000).toISOString()]
    const runs = await Promise.all([runCli('scripts/content-releases.ts', args, env), runCli('scripts/content-releases.ts', args, env)])
    expect(runs.map((r) => r.code)).toEqual([0, 0])
    const published = runs.filter((r) => /^published next-chapter \(scheduled for /m.test(r.stdout))
    expect(published).toHaveLength(1)
    expect(published[0]?.stdout).toContain(formatUkTime(publishAt))

    const release = await server.sanity.releases.get({releaseId: 'next-chapter'})
    expect(release).toMatchObject({state: 'published'})
    const publishes = server.server.store.get('test').transactions(['_.releases.next-chapter']).filter((tx) => JSON.stringify(tx.mutations).includes('"state":"published"'))
    expect(publishes).toHaveLength(1)
    expect(
      await server.sanity.fetch(`{"next": defined(*[_id == $next][0]), "engagement": defined(*[_id == $engagement][0]), "cancer": *[_id == $cancer][0].framework._ref}`, {
        next: NEXT,
        engagement: ENGAGEMENT,
        cancer: CANCER,
      }),
    ).toEqual({next: true, engagement: false, cancer: NEXT})

    const again = await cli('run-due', '--now', new Date(publishAt.getTime() + 120_000).toISOString())
    expect(again).toMatchObject({code: 0, out: ''})
  })

  test('--help on every command exits 0; unknown commands and options exit 2', async () => {
    for (const name of ['', ...Object.keys(SUBCOMMANDS)]) {
      const argv = name ? [name, '--help'] : ['--help']
      const sink = {out: '', err: ''}
      const code = await runContentReleases(argv, {env, stdout: (t) => void (sink.out += t), stderr: (t) => void (sink.err += t)})
      expect(code, name).toBe(0)
      expect(sink.out, name).toContain(`npm run content:releases -- ${name}`)
    }
    expect((await cli('frobnicate')).code).toBe(2)
    expect((await cli('list', '--bogus')).code).toBe(2)
    expect((await cli('publish')).code).toBe(2)
    const missing = await cli('publish', 'no-such-release')
    expect(missing.code).toBe(1)
    expect(missing.err).toContain('there is no release "no-such-release"')
  })

  test('list shows a scheduled draft ("Schedule publish" in a document\'s menu) with the document it publishes', async () => {
    const sanity = server.sanity
    await sanity.releases.create({releaseId: 'rOneDoc', metadata: {title: 'Scheduled publish', releaseType: 'scheduled', cardinality: 'one', intendedPublishAt: publishAt.toISOString()}})
    await sanity.createVersion({baseId: CANCER, publishedId: CANCER, releaseId: 'rOneDoc'})
    await sanity.releases.schedule({releaseId: 'rOneDoc', publishAt: publishAt.toISOString()})
    const listed = await cli('list', '--state', 'scheduled')
    expect(listed.code).toBe(0)
    expect(listed.out).toContain(`rOneDoc  scheduled  Scheduled publish  (scheduled draft of ${CANCER})\n  publishes: ${formatUkTime(publishAt)}`)
    await sanity.releases.unschedule({releaseId: 'rOneDoc'})
  })
})
