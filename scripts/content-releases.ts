import {readFileSync} from 'node:fs'
import type {SanityClient} from '@sanity/client'

import {formatUkTime, parseUkTime, UkTimeError} from '../server/ukTime'
import {isMainModule, processIo, runCommand, stringOption, type CliIo, type Command, type ParsedValues} from './lib/cli'
import {CliError, UsageError} from './lib/errors'
import {parseNdjson, resolveApiSource} from '../sources'

/**
 * `npm run content:releases -- <command>`: Content Releases through @sanity/client's releases API
 * and actions, so the same commands work against the local server and a hosted Sanity project.
 * Times are entered and shown in UK time (Europe/London) with the UTC equivalent.
 */

const API_VERSION = '2025-02-19'
const NAME = 'content:releases'

const CONNECTION_HELP = `Connection:
  --source URL      https://HOST[:PORT] of a Sanity API, such as the local server
                    (default: https://localhost:$AHP_PORT or 3333; the hosted project in
                    SANITY_PROJECT_ID when it is set and --source is not given)
  --dataset NAME    dataset (default: production, or SANITY_DATASET)
  -h, --help        show this help

Environment: SANITY_API_TOKEN or AHP_TOKEN (else the admin token in the data folder), AHP_DATA_DIR
(default ./data: the local CA and admin token), SANITY_PROJECT_ID and SANITY_DATASET for hosted.
Exit codes: 0 ok, 1 refused or failed, 2 usage error.`

const CONNECTION_OPTIONS = {
  source: {type: 'string'},
  dataset: {type: 'string'},
} as const

interface ReleaseDoc {
  _id: string
  _createdAt?: string
  name?: string
  state: string
  metadata?: {title?: string; description?: string; releaseType?: string; intendedPublishAt?: string; cardinality?: string}
  publishAt?: string
  publishedAt?: string
  error?: {message?: string}
}

/** The client for `--source`, or a hosted project from SANITY_PROJECT_ID. */
export function releasesClient(values: ParsedValues, env: NodeJS.ProcessEnv): {client: SanityClient; description: string} {
  const source = stringOption(values, 'source')
  const dataset = stringOption(values, 'dataset') ?? env.SANITY_DATASET ?? 'production'
  // No --source: the hosted project when configured, else the local server on its usual port.
  const url = source ?? (env.SANITY_PROJECT_ID ? undefined : `https://localhost:${env.AHP_PORT || '3333'}`)
  const api = resolveApiSource({url, dataset, env})
  return {client: api.client, description: api.description}
}

/** A refusal from the API as one line: the server's description. */
function apiMessage(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const details = (error as {details?: {description?: unknown}}).details
    if (details && typeof details.description === 'string') return details.description
    const body = (error as {responseBody?: unknown}).responseBody
    if (typeof body === 'string') {
      try {
        const parsed = JSON.parse(body) as {error?: {description?: unknown}; message?: unknown}
        if (typeof parsed.error?.description === 'string') return parsed.error.description
      } catch {
        // not JSON
      }
    }
    if (error instanceof Error) return error.message
  }
  return String(error)
}

async function call<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (error) {
    throw new CliError(`${what}: ${apiMessage(error)}`)
  }
}

function releaseIdOf(doc: ReleaseDoc): string {
  return doc.name ?? doc._id.replace(/^_\.releases\./, '')
}

function nowFrom(values: ParsedValues): Date {
  const text = stringOption(values, 'now')
  if (!text) return new Date()
  try {
    return parseUkTime(text)
  } catch (error) {
    throw new UsageError(`--now: ${(error as Error).message}`)
  }
}

function parseAt(text: string | undefined, now: Date, option = '--at'): Date {
  if (!text) throw new UsageError(`${option} is required: the UK time, as YYYY-MM-DD HH:MM (for example 2026-12-01 09:00)`)
  let at: Date
  try {
    at = parseUkTime(text)
  } catch (error) {
    if (error instanceof UkTimeError) throw new UsageError(`${option}: ${error.message}`)
    throw error
  }
  if (at.getTime() <= now.getTime()) {
    throw new CliError(`${option} ${formatUkTime(at)} is in the past (it is now ${formatUkTime(now)}): choose a time in the future`)
  }
  return at
}

async function getRelease(client: SanityClient, releaseId: string): Promise<ReleaseDoc> {
  const release = (await call(`cannot read release "${releaseId}"`, () => client.releases.get({releaseId}))) as ReleaseDoc | undefined
  if (!release) throw new CliError(`there is no release "${releaseId}": see npm run ${NAME} -- list`)
  return release
}

function oneRelease(positionals: string[], usage: string): string {
  const [releaseId, ...rest] = positionals
  if (!releaseId || rest.length > 0) throw new UsageError(`give one release id: ${usage}`)
  return releaseId
}

function describeRelease(release: ReleaseDoc, documents: {count: number; unpublish: number; ids: string[]}): string {
  // "Schedule publish" in a document's menu makes a release of one document (a scheduled draft)
  const one = release.metadata?.cardinality === 'one' ? `  (scheduled draft of ${documents.ids.join(', ') || 'no document'})` : ''
  const lines = [`${releaseIdOf(release)}  ${release.state}  ${release.metadata?.title || '(untitled)'}${one}`]
  if (release.publishAt) lines.push(`  publishes: ${formatUkTime(new Date(release.publishAt))}`)
  else if (release.metadata?.intendedPublishAt) lines.push(`  intended: ${formatUkTime(new Date(release.metadata.intendedPublishAt))} (not scheduled)`)
  if (release.publishedAt) lines.push(`  published: ${formatUkTime(new Date(release.publishedAt))}`)
  lines.push(`  documents: ${documents.count}${documents.unpublish ? ` (${documents.unpublish} to unpublish)` : ''}`)
  if (release.error?.message) lines.push(`  error: ${release.error.message}`)
  return lines.join('\n')
}

const listCommand: Command = {
  name: `${NAME} list`,
  usage: `Usage: npm run ${NAME} -- list [--state STATE] [--format json]

Lists releases, newest first: id, state, title, when it publishes (UK time and UTC), how many
documents it holds and, for a release that failed, why.

  --state STATE     only releases in this state (active, scheduled, published, archived)
  --format FORMAT   pretty (default) or json

${CONNECTION_HELP}
`,
  options: {...CONNECTION_OPTIONS, state: {type: 'string'}, format: {type: 'string'}},
  async run(values, io, positionals) {
    if (positionals.length > 0) throw new UsageError('list takes no arguments')
    const format = stringOption(values, 'format') ?? 'pretty'
    if (format !== 'pretty' && format !== 'json') throw new UsageError('--format must be pretty or json')
    const state = stringOption(values, 'state')
    const {client} = releasesClient(values, io.env)
    const [releases, versions] = await call('cannot list releases', () =>
      Promise.all([
        client.fetch<ReleaseDoc[]>('*[_type == "system.release" && _id in path("_.releases.*")] | order(_createdAt desc)', {}, {perspective: 'raw'}),
        client.fetch<{_id: string; unpublish: boolean}[]>('*[_id in path("versions.**")]{_id, "unpublish": _system.delete == true}', {}, {perspective: 'raw'}),
      ]),
    )
    const shown = releases.filter((r) => !state || r.state === state)
    const counts = (releaseId: string) => {
      const prefix = `versions.${releaseId}.`
      const mine = versions.filter((v) => v._id.startsWith(prefix))
      return {count: mine.length, unpublish: mine.filter((v) => v.unpublish).length, ids: mine.map((v) => v._id.slice(prefix.length))}
    }
    if (format === 'json') {
      io.stdout(`${JSON.stringify(shown.map((r) => ({...r, releaseId: releaseIdOf(r), documents: counts(releaseIdOf(r))})), null, 2)}\n`)
      return 0
    }
    if (shown.length === 0) io.stderr(state ? `No ${state} releases.\n` : 'No releases.\n')
    for (const release of shown) io.stdout(`${describeRelease(release, counts(releaseIdOf(release)))}\n`)
    return 0
  },
}

const createCommand: Command = {
  name: `${NAME} create`,
  usage: `Usage: npm run ${NAME} -- create --title TITLE [--id ID] [--description TEXT] [--at "YYYY-MM-DD HH:MM" | --asap]

Creates a release and prints its id. --at records the intended publishing time (UK time) without
scheduling it: schedule it with "schedule" once its documents are in.

  --title TITLE        what editors see, e.g. "AHPs into Action: Next Chapter"
  --id ID              the release id (letters, digits, "-" and "_"; default: generated)
  --description TEXT   what the release is for
  --at TIME            intended publishing time in UK time (the release type becomes "scheduled")
  --asap               publish as soon as possible (release type "asap"); default "undecided"

${CONNECTION_HELP}
`,
  options: {...CONNECTION_OPTIONS, title: {type: 'string'}, id: {type: 'string'}, description: {type: 'string'}, at: {type: 'string'}, asap: {type: 'boolean'}, now: {type: 'string'}},
  async run(values, io, positionals) {
    if (positionals.length > 0) throw new UsageError('create takes no arguments: give --title')
    const title = stringOption(values, 'title')
    if (!title) throw new UsageError('--title is required')
    const at = stringOption(values, 'at')
    if (at && values.asap === true) throw new UsageError('give --at or --asap, not both')
    const metadata: {title: string; description?: string; releaseType: 'asap' | 'scheduled' | 'undecided'; intendedPublishAt?: string} = {
      title,
      releaseType: values.asap === true ? 'asap' : at ? 'scheduled' : 'undecided',
    }
    const description = stringOption(values, 'description')
    if (description) metadata.description = description
    if (at) metadata.intendedPublishAt = parseAt(at, nowFrom(values)).toISOString()
    const id = stringOption(values, 'id')
    const {client, description: where} = releasesClient(values, io.env)
    const result = await call('cannot create the release', () => client.releases.create(id ? {releaseId: id, metadata} : {metadata}))
    io.stdout(`${result.releaseId}\n`)
    io.stderr(`Created release "${result.releaseId}" (${title}) on ${where}${metadata.intendedPublishAt ? `, intended for ${formatUkTime(new Date(metadata.intendedPublishAt))}` : ''}\n`)
    return 0
  },
}

function readDocumentsFile(path: string): {_id: string; _type: string; [key: string]: unknown}[] {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    throw new CliError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`)
  }
  if (text.trimStart().startsWith('[')) {
    const parsed = JSON.parse(text) as unknown
    if (!Array.isArray(parsed)) throw new CliError(`${path}: expected a JSON array of documents`)
    return parsed as {_id: string; _type: string}[]
  }
  const {documents, problems} = parseNdjson(text)
  if (problems.length > 0) throw new CliError(`${path}: ${problems.map((p) => p.message).join('; ')}`)
  return documents
}

const addCommand: Command = {
  name: `${NAME} add`,
  usage: `Usage: npm run ${NAME} -- add RELEASE [DOCUMENT_ID...] [--file FILE] [--unpublish DOCUMENT_ID...]

Adds documents to a release, all in one transaction (all or none):
  DOCUMENT_ID...        a copy of the document (its draft if it has one, else the published one)
  --file FILE           new or changed documents from NDJSON or a JSON array (each by its _id)
  --unpublish ID        unpublish this published document when the release publishes (repeatable)

${CONNECTION_HELP}
`,
  options: {...CONNECTION_OPTIONS, file: {type: 'string'}, unpublish: {type: 'string', multiple: true}},
  async run(values, io, positionals) {
    const [releaseId, ...ids] = positionals
    if (!releaseId) throw new UsageError('give the release id, then documents to add')
    const file = stringOption(values, 'file')
    const unpublish = Array.isArray(values.unpublish) ? values.unpublish.filter((v): v is string => typeof v === 'string') : []
    if (ids.length === 0 && !file && unpublish.length === 0) throw new UsageError('nothing to add: give document ids, --file or --unpublish')
    const {client} = releasesClient(values, io.env)
    await getRelease(client, releaseId)
    const actions: Record<string, unknown>[] = []
    for (const id of ids) {
      const publishedId = id.replace(/^drafts\./, '')
      const [draft, published] = await call(`cannot read "${publishedId}"`, () => Promise.all([client.getDocument(`drafts.${publishedId}`), client.getDocument(publishedId)]))
      const base = draft ?? published
      if (!base) throw new CliError(`there is no document "${publishedId}" (draft or published) to add`)
      actions.push({
        actionType: 'sanity.action.document.version.create',
        publishedId,
        baseId: base._id,
        versionId: `versions.${releaseId}.${publishedId}`,
        ifBaseRevisionId: base._rev,
      })
    }
    for (const doc of file ? readDocumentsFile(file) : []) {
      const publishedId = doc._id.replace(/^(drafts|versions\.[^.]+)\./, '')
      actions.push({actionType: 'sanity.action.document.version.create', publishedId, document: {...doc, _id: `versions.${releaseId}.${publishedId}`}})
    }
    for (const publishedId of unpublish) {
      actions.push({actionType: 'sanity.action.document.version.unpublish', publishedId, versionId: `versions.${releaseId}.${publishedId}`})
    }
    await call(`cannot add to release "${releaseId}"`, () => client.request({uri: `/data/actions/${client.config().dataset}`, method: 'POST', body: {actions}}))
    io.stderr(`Added ${actions.length} document${actions.length === 1 ? '' : 's'} to release "${releaseId}"\n`)
    return 0
  },
}

const scheduleCommand: Command = {
  name: `${NAME} schedule`,
  usage: `Usage: npm run ${NAME} -- schedule RELEASE --at "YYYY-MM-DD HH:MM"

Schedules a release to publish by itself at a UK time (GMT or BST, whichever is in force that day;
a time with Z or an offset, such as 2026-12-01T09:00Z, is taken as given). Shows the time in UK time
and UTC. A time in the past is refused. The release is locked until it publishes or is unscheduled.

  --at TIME     when to publish, in UK time

${CONNECTION_HELP}
`,
  options: {...CONNECTION_OPTIONS, at: {type: 'string'}, now: {type: 'string'}},
  async run(values, io, positionals) {
    const releaseId = oneRelease(positionals, 'schedule RELEASE --at "YYYY-MM-DD HH:MM"')
    const at = parseAt(stringOption(values, 'at'), nowFrom(values))
    const {client} = releasesClient(values, io.env)
    await getRelease(client, releaseId)
    const publishAt = at.toISOString()
    await call(`cannot schedule release "${releaseId}"`, () =>
      client.action([
        {actionType: 'sanity.action.release.edit', releaseId, patch: {set: {'metadata.releaseType': 'scheduled', 'metadata.intendedPublishAt': publishAt}}},
        {actionType: 'sanity.action.release.schedule', releaseId, publishAt},
      ]),
    )
    io.stdout(`Scheduled release "${releaseId}" to publish ${formatUkTime(at)}\n`)
    return 0
  },
}

const unscheduleCommand: Command = {
  name: `${NAME} unschedule`,
  usage: `Usage: npm run ${NAME} -- unschedule RELEASE

Stops a scheduled release from publishing; it becomes active (editable) again.

${CONNECTION_HELP}
`,
  options: {...CONNECTION_OPTIONS},
  async run(values, io, positionals) {
    const releaseId = oneRelease(positionals, 'unschedule RELEASE')
    const {client} = releasesClient(values, io.env)
    await call(`cannot unschedule release "${releaseId}"`, () => client.releases.unschedule({releaseId}))
    io.stdout(`Unscheduled release "${releaseId}": it is active again\n`)
    return 0
  },
}

/** Publishes one release now: a scheduled one is unscheduled and published in the same transaction. */
async function publishNow(client: SanityClient, release: ReleaseDoc): Promise<void> {
  const releaseId = releaseIdOf(release)
  const publish = {actionType: 'sanity.action.release.publish' as const, releaseId}
  if (release.state === 'scheduled') {
    await client.action([{actionType: 'sanity.action.release.unschedule', releaseId}, publish])
  } else {
    await client.action(publish)
  }
}

const publishCommand: Command = {
  name: `${NAME} publish`,
  usage: `Usage: npm run ${NAME} -- publish RELEASE

Publishes every document of a release now, all at once or none (the server validates them first).

${CONNECTION_HELP}
`,
  options: {...CONNECTION_OPTIONS},
  async run(values, io, positionals) {
    const releaseId = oneRelease(positionals, 'publish RELEASE')
    const {client} = releasesClient(values, io.env)
    const release = await getRelease(client, releaseId)
    await call(`cannot publish release "${releaseId}"`, () => publishNow(client, release))
    io.stdout(`Published release "${releaseId}"\n`)
    return 0
  },
}

const runDueCommand: Command = {
  name: `${NAME} run-due`,
  usage: `Usage: npm run ${NAME} -- run-due [--now TIME]

Publishes every scheduled release whose time has come, oldest first: for a cron job or CI schedule
on a plan without server-side scheduling. Safe to run twice at once: each release is unscheduled and
published in one transaction, so only one run publishes it; the other reports it as already done.

  --now TIME    treat this as the current time (UK time, or ISO with Z); default: the clock

${CONNECTION_HELP}
`,
  options: {...CONNECTION_OPTIONS, now: {type: 'string'}},
  async run(values, io, positionals) {
    if (positionals.length > 0) throw new UsageError('run-due takes no arguments')
    const now = nowFrom(values)
    const {client, description} = releasesClient(values, io.env)
    const due = await call('cannot list scheduled releases', () =>
      client.fetch<ReleaseDoc[]>(
        '*[_type == "system.release" && _id in path("_.releases.*") && state == "scheduled" && dateTime(publishAt) <= dateTime($now)] | order(publishAt asc)',
        {now: now.toISOString()},
        {perspective: 'raw'},
      ),
    )
    if (due.length === 0) {
      io.stderr(`No releases due on ${description} at ${formatUkTime(now)}\n`)
      return 0
    }
    let failed = 0
    for (const release of due) {
      const releaseId = releaseIdOf(release)
      const when = release.publishAt ? formatUkTime(new Date(release.publishAt)) : 'now'
      try {
        await publishNow(client, release)
        io.stdout(`published ${releaseId} (scheduled for ${when})\n`)
      } catch (error) {
        const after = (await client.releases.get({releaseId}).catch(() => undefined)) as ReleaseDoc | undefined
        if (after?.state === 'published') {
          io.stdout(`already published ${releaseId} (by another run)\n`)
          continue
        }
        failed++
        io.stderr(`could not publish ${releaseId} (scheduled for ${when}): ${apiMessage(error)}\n`)
      }
    }
    return failed > 0 ? 1 : 0
  },
}

export const SUBCOMMANDS: Record<string, Command> = {
  list: listCommand,
  create: createCommand,
  add: addCommand,
  schedule: scheduleCommand,
  unschedule: unscheduleCommand,
  publish: publishCommand,
  'run-due': runDueCommand,
}

export const contentReleasesCommand: Command = {
  name: NAME,
  usage: `Usage: npm run ${NAME} -- <command> [options]

Content Releases: publish several documents together at a set time, or unpublish them, through
Sanity's releases API. Works against the local server and a hosted Sanity project alike.
Times are UK time (Europe/London), shown with the UTC equivalent.

Commands:
  list                                   releases with their state, schedule and documents
  create --title TITLE [--at TIME]       a new release (prints its id)
  add RELEASE [ID...] [--file FILE] [--unpublish ID]
                                         put documents in a release (or mark them to unpublish)
  schedule RELEASE --at "YYYY-MM-DD HH:MM"
                                         publish it by itself at that UK time
  unschedule RELEASE                     stop a scheduled release
  publish RELEASE                        publish it now
  run-due                                publish the scheduled releases whose time has come (cron)

"npm run ${NAME} -- <command> --help" shows a command's options.

${CONNECTION_HELP}
`,
  options: {},
  async run(_values, _io, positionals) {
    const [name] = positionals
    throw new UsageError(name ? `unknown command "${name}": use ${Object.keys(SUBCOMMANDS).join(', ')}` : `give a command: ${Object.keys(SUBCOMMANDS).join(', ')}`)
  },
}

/** Dispatches to a subcommand, so `--help` after it shows that command's usage. */
export function runContentReleases(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv
  const command = name ? SUBCOMMANDS[name] : undefined
  return command ? runCommand(command, rest, io) : runCommand(contentReleasesCommand, argv, io)
}

if (isMainModule(import.meta.url)) {
  void runContentReleases(process.argv.slice(2)).then((code) => {
    process.stdout.write('', () => process.exit(code))
  })
}
