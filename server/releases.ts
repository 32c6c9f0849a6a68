import {ApiError, badRequest} from './errors.js'
import {assertDocumentId, type TransactionBuilder} from './mutations.js'
import {assertNoBrokenReferences, strengthenOnPublish} from './references.js'
import type {SanityDocument} from './types.js'
import {formatUkTime} from './ukTime.js'

/**
 * Content Releases as the Content Lake models them: a release is the system document
 * `_.releases.<releaseId>` (`_type: "system.release"`), its documents are versions
 * `versions.<releaseId>.<publishedId>`. `sanity.action.release.*` and
 * `sanity.action.document.version.*` change them inside the request's one transaction.
 *
 * States: `active` (editable), `scheduled` (locked until `publishAt`), `published`, `archived`.
 * A scheduled release that cannot be published goes back to `active` with `error: {message}`:
 * the field the Studio's Releases tool shows on an active release.
 */

export const RELEASE_DOCUMENT_TYPE = 'system.release'
export const RELEASE_PREFIX = '_.releases.'
const RELEASE_ID = /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,63}$/
const RELEASE_TYPES = ['asap', 'scheduled', 'undecided'] as const

export type ReleaseState = 'active' | 'scheduled' | 'published' | 'archived'

export interface ReleaseDocument extends SanityDocument {
  name: string
  state: ReleaseState
  metadata: {title?: string; description?: string; releaseType: string; intendedPublishAt?: string; [key: string]: unknown}
  publishAt?: string
  publishedAt?: string
  error?: {message: string; problems?: ReleaseProblem[]}
  finalDocumentStates?: {id: string}[]
}

export interface ReleaseProblem {
  documentId: string
  path?: string | undefined
  message: string
}

/** What a release publishes, for validation: the dataset's published documents after the release. */
export interface ReleaseValidationInput {
  releaseId: string
  /** every published document as it would be after publishing */
  documents: SanityDocument[]
  /** published ids the release creates or changes */
  changedIds: string[]
  /** published ids the release unpublishes */
  unpublishedIds: string[]
}

export type ReleaseValidator = (input: ReleaseValidationInput) => Promise<ReleaseProblem[]>

export interface ReleaseContext {
  now: Date
  /** schema validation before publishing; `null` skips it */
  validate: ReleaseValidator | null
  /**
   * A dry run: the Studio probes its permissions with dry-run publish and schedule actions and
   * remembers a refusal for the session (publishAt = now in its schedule probe), so a dry run skips
   * the checks of content and time (empty release, schema validation, a past publishAt) and keeps
   * those of state and ids.
   */
  dryRun?: boolean
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

export const releaseDocumentId = (releaseId: string) => `${RELEASE_PREFIX}${releaseId}`
export const versionId = (releaseId: string, publishedId: string) => `versions.${releaseId}.${publishedId}`

/** `versions.<releaseId>.<publishedId>` → its parts; undefined for any other id. */
export function parseVersionId(id: string): {releaseId: string; publishedId: string} | undefined {
  if (!id.startsWith('versions.')) return undefined
  const dot = id.indexOf('.', 'versions.'.length)
  if (dot < 0) return undefined
  return {releaseId: id.slice('versions.'.length, dot), publishedId: id.slice(dot + 1)}
}

export function isReleaseDocument(doc: SanityDocument | null | undefined): doc is ReleaseDocument {
  return !!doc && doc._type === RELEASE_DOCUMENT_TYPE && doc._id.startsWith(RELEASE_PREFIX)
}

/** A version marked to unpublish its document when the release is published. */
export function isUnpublishVersion(doc: SanityDocument): boolean {
  const system = doc._system
  return isRecord(system) && system.delete === true
}

function actionError(status: number, index: number, description: string, type: string, extra: Record<string, unknown> = {}): ApiError {
  return new ApiError(status, 'actionError', description, {items: [{index, error: {type, description, ...extra}}]})
}

const stringField = (action: Record<string, unknown>, field: string, index: number): string => {
  const value = action[field]
  if (typeof value !== 'string' || value === '') throw badRequest(`Action ${index}: "${field}" is required`)
  return value
}

function releaseIdField(action: Record<string, unknown>, index: number): string {
  const raw = stringField(action, 'releaseId', index)
  const releaseId = raw.startsWith(RELEASE_PREFIX) ? raw.slice(RELEASE_PREFIX.length) : raw
  if (!RELEASE_ID.test(releaseId)) {
    throw badRequest(`Action ${index}: release id "${raw}" is not valid: use letters, digits, "_" and "-", at most 64 characters`)
  }
  return releaseId
}

function requireRelease(tx: TransactionBuilder, releaseId: string, index: number): ReleaseDocument {
  const doc = tx.get(releaseDocumentId(releaseId))
  if (!isReleaseDocument(doc)) throw actionError(404, index, `Release "${releaseId}" does not exist`, 'releaseNotFoundError')
  return doc
}

function requireState(release: ReleaseDocument, allowed: ReleaseState[], index: number, verb: string, hint = ''): void {
  if (!allowed.includes(release.state)) {
    throw actionError(
      409,
      index,
      `Cannot ${verb} release "${release.name}": it is ${release.state}${hint ? `; ${hint}` : ''}`,
      'releaseStateError',
      {state: release.state},
    )
  }
}

/** Versions may change only while their release is active (a scheduled release is locked). */
export function requireEditableVersion(tx: TransactionBuilder, id: string, index: number): void {
  const parsed = parseVersionId(id)
  if (!parsed) return
  const release = tx.get(releaseDocumentId(parsed.releaseId))
  if (!isReleaseDocument(release)) {
    throw actionError(404, index, `Release "${parsed.releaseId}" does not exist: create it before adding documents`, 'releaseNotFoundError')
  }
  if (release.state !== 'active') {
    const hint = release.state === 'scheduled' ? 'unschedule it to change its documents' : ''
    requireState(release, ['active'], index, 'change the documents of', hint)
  }
}

function withoutSystemFields(doc: SanityDocument, id: string): SanityDocument {
  const {_rev: _r, _updatedAt: _u, _originalId: _o, _system: _s, ...rest} = doc
  return {...rest, _id: id}
}

/** The versions of a release, in dataset order. */
export function versionsOf(tx: TransactionBuilder, releaseId: string): SanityDocument[] {
  const prefix = `versions.${releaseId}.`
  return tx.allDocuments().filter((doc) => doc._id.startsWith(prefix))
}

function writeRelease(tx: TransactionBuilder, release: ReleaseDocument, index: number): void {
  tx.create(release, index, 'createOrReplace')
}

function withoutKeys<T extends SanityDocument>(doc: T, keys: string[]): T {
  const copy: Record<string, unknown> = {...doc}
  for (const key of keys) delete copy[key]
  return copy as T
}

export function formatProblems(problems: ReleaseProblem[]): string {
  return problems.map((p) => `${p.documentId}${p.path ? ` (${p.path})` : ''}: ${p.message}`).join('; ')
}

/** Thrown when a release's documents fail the schema's rules; nothing is published. */
export class ReleaseValidationError extends ApiError {
  constructor(
    readonly releaseId: string,
    readonly problems: ReleaseProblem[],
    index: number,
  ) {
    const description = `Release "${releaseId}" cannot be published: ${problems.length} problem${problems.length === 1 ? '' : 's'}: ${formatProblems(problems)}`
    super(409, 'actionError', description, {items: [{index, error: {type: 'releaseValidationError', description, problems}}]})
  }
}

/**
 * Publishes a release inside `tx`: every version becomes its published document (or deletes it,
 * for an unpublish version), the versions are removed, and the release records `publishedAt` and
 * `finalDocumentStates`. Validates first; throws and changes nothing when anything fails.
 */
export async function publishRelease(tx: TransactionBuilder, releaseId: string, index: number, context: ReleaseContext): Promise<void> {
  const release = requireRelease(tx, releaseId, index)
  requireState(release, ['active', 'scheduled'], index, 'publish')
  const versions = versionsOf(tx, releaseId)
  if (versions.length === 0 && !context.dryRun) {
    throw actionError(409, index, `Cannot publish release "${releaseId}": it has no documents`, 'releaseEmptyError')
  }
  const plan = versions.map((version) => {
    const publishedId = parseVersionId(version._id)?.publishedId ?? version._id
    const existing = tx.get(publishedId)
    if (isUnpublishVersion(version)) return {version, publishedId, next: null}
    const next: SanityDocument = {...withoutSystemFields(version, publishedId)}
    if (existing?._createdAt) next._createdAt = existing._createdAt
    return {version, publishedId, next}
  })
  for (const step of plan) {
    if (step.next === null && !tx.get(step.publishedId)) {
      throw actionError(409, index, `Cannot publish release "${releaseId}": it unpublishes "${step.publishedId}", which is not published`, 'documentNotFoundError')
    }
  }
  // the Content Lake's reference rule first, in its own error shape (409 naming the referrers)
  const pending = new Map(tx.pendingChanges().map((change) => [change.id, change]))
  for (const step of plan) {
    pending.set(step.publishedId, {id: step.publishedId, before: tx.get(step.publishedId), after: step.next, mutations: []})
  }
  assertNoBrokenReferences(tx.dataset, [...pending.values()], () => index)
  if (context.validate && !context.dryRun) {
    const after = new Map<string, SanityDocument>()
    for (const doc of tx.allDocuments()) {
      if (doc._id.includes('.') || doc._id.startsWith('_.')) continue
      after.set(doc._id, doc)
    }
    for (const step of plan) {
      if (step.next) after.set(step.publishedId, step.next)
      else after.delete(step.publishedId)
    }
    const problems = await context.validate({
      releaseId,
      documents: [...after.values()],
      changedIds: plan.filter((s) => s.next).map((s) => s.publishedId),
      unpublishedIds: plan.filter((s) => !s.next).map((s) => s.publishedId),
    })
    if (problems.length > 0) throw new ReleaseValidationError(releaseId, problems, index)
  }
  // a reference is strengthened when its target exists once the whole release is published
  const outcome = new Map(plan.map((step) => [step.publishedId, step.next !== null]))
  const existsAfter = (id: string) => outcome.get(id) ?? tx.get(id) !== null
  for (const step of plan) {
    if (step.next) tx.create(strengthenOnPublish(step.next, existsAfter), index, 'createOrReplace')
    else tx.delete(step.publishedId, index)
    tx.delete(step.version._id, index)
  }
  writeRelease(
    tx,
    {
      ...withoutKeys(release, ['error']),
      state: 'published',
      publishedAt: context.now.toISOString(),
      finalDocumentStates: versions.map((v) => ({id: v._id})),
    },
    index,
  )
}

/** The release as it stands after a scheduled publish failed: active again, with the reasons. */
export function failedRelease(release: ReleaseDocument, message: string, problems?: ReleaseProblem[]): ReleaseDocument {
  const metadata = {...release.metadata}
  if (release.publishAt && !metadata.intendedPublishAt) metadata.intendedPublishAt = release.publishAt
  return {
    ...withoutKeys(release, ['publishAt']),
    state: 'active',
    metadata,
    error: problems && problems.length > 0 ? {message, problems} : {message},
  }
}

export function isReleaseActionType(type: string): boolean {
  return type.startsWith('release.') || type.startsWith('document.version.')
}

/** Applies one `release.*` or `document.version.*` action (type without the `sanity.action.` prefix). */
export async function applyReleaseAction(
  tx: TransactionBuilder,
  type: string,
  action: Record<string, unknown>,
  index: number,
  context: ReleaseContext,
): Promise<void> {
  switch (type) {
    case 'release.create': {
      const releaseId = releaseIdField(action, index)
      const id = releaseDocumentId(releaseId)
      if (tx.get(id)) throw actionError(409, index, `Release "${releaseId}" already exists`, 'releaseAlreadyExistsError')
      const metadata = isRecord(action.metadata) ? {...action.metadata} : {}
      const releaseType = metadata.releaseType ?? 'undecided'
      if (typeof releaseType !== 'string' || !(RELEASE_TYPES as readonly string[]).includes(releaseType)) {
        throw badRequest(`Action ${index}: metadata.releaseType must be one of ${RELEASE_TYPES.join(', ')}`)
      }
      writeRelease(tx, {_id: id, _type: RELEASE_DOCUMENT_TYPE, name: releaseId, state: 'active', metadata: {...metadata, releaseType}}, index)
      return
    }
    case 'release.edit': {
      const releaseId = releaseIdField(action, index)
      const release = requireRelease(tx, releaseId, index)
      requireState(release, ['active', 'scheduled'], index, 'edit')
      if (!isRecord(action.patch)) throw badRequest(`Action ${index}: "patch" must be an object`)
      const {id: _id, query: _q, ...patch} = action.patch
      const result = tx.patch(releaseDocumentId(releaseId), patch, index).document
      const guarded = ['_type', 'name', 'state', 'publishAt', 'publishedAt', 'finalDocumentStates'] as const
      for (const key of guarded) {
        if (JSON.stringify(result?.[key]) !== JSON.stringify(release[key])) {
          throw badRequest(`Action ${index}: release.edit may change the release's metadata only, not "${key}"`)
        }
      }
      return
    }
    case 'release.schedule': {
      const releaseId = releaseIdField(action, index)
      const release = requireRelease(tx, releaseId, index)
      const publishAtText = stringField(action, 'publishAt', index)
      const publishAt = new Date(publishAtText)
      if (Number.isNaN(publishAt.getTime())) {
        throw badRequest(`Action ${index}: publishAt "${publishAtText}" is not a date and time (use ISO 8601, such as 2026-12-01T09:00:00Z)`)
      }
      // a dry run skips it: the Studio probes its schedule permission with publishAt = now
      if (publishAt.getTime() <= context.now.getTime() && !context.dryRun) {
        throw actionError(
          400,
          index,
          `Cannot schedule release "${releaseId}" for ${formatUkTime(publishAt)}: that time is in the past (it is now ${formatUkTime(context.now)}). Choose a time in the future.`,
          'releasePublishAtInPastError',
        )
      }
      requireState(release, ['active'], index, 'schedule', release.state === 'scheduled' ? 'unschedule it first to change its time' : '')
      if (versionsOf(tx, releaseId).length === 0 && !context.dryRun) {
        throw actionError(409, index, `Cannot schedule release "${releaseId}": it has no documents`, 'releaseEmptyError')
      }
      writeRelease(tx, {...withoutKeys(release, ['error']), state: 'scheduled', publishAt: publishAt.toISOString()}, index)
      return
    }
    case 'release.unschedule': {
      const releaseId = releaseIdField(action, index)
      const release = requireRelease(tx, releaseId, index)
      requireState(release, ['scheduled'], index, 'unschedule')
      writeRelease(tx, {...withoutKeys(release, ['publishAt']), state: 'active'}, index)
      return
    }
    case 'release.publish': {
      await publishRelease(tx, releaseIdField(action, index), index, context)
      return
    }
    case 'release.archive': {
      const releaseId = releaseIdField(action, index)
      const release = requireRelease(tx, releaseId, index)
      requireState(release, ['active'], index, 'archive', release.state === 'scheduled' ? 'unschedule it first' : '')
      const versions = versionsOf(tx, releaseId)
      for (const version of versions) tx.delete(version._id, index)
      writeRelease(tx, {...withoutKeys(release, ['error']), state: 'archived', finalDocumentStates: versions.map((v) => ({id: v._id}))}, index)
      return
    }
    case 'release.unarchive': {
      const releaseId = releaseIdField(action, index)
      const release = requireRelease(tx, releaseId, index)
      requireState(release, ['archived'], index, 'unarchive')
      for (const {id} of release.finalDocumentStates ?? []) {
        if (tx.get(id)) continue
        const last = tx.dataset.lastRevision(id)
        if (last) tx.create(withoutKeys(last, ['_rev', '_updatedAt']), index, 'create')
      }
      writeRelease(tx, {...withoutKeys(release, ['finalDocumentStates']), state: 'active'}, index)
      return
    }
    case 'release.delete': {
      const releaseId = releaseIdField(action, index)
      const release = requireRelease(tx, releaseId, index)
      requireState(release, ['archived', 'published'], index, 'delete', 'archive it first')
      for (const version of versionsOf(tx, releaseId)) tx.delete(version._id, index)
      tx.delete(releaseDocumentId(releaseId), index)
      return
    }
    case 'document.version.create': {
      const publishedId = stringField(action, 'publishedId', index)
      if (isRecord(action.document)) {
        const id = action.document._id
        assertDocumentId(id, index)
        if (id !== `drafts.${publishedId}` && parseVersionId(id)?.publishedId !== publishedId) {
          throw badRequest(`Action ${index}: document._id "${id}" is not a version of "${publishedId}"`)
        }
        requireEditableVersion(tx, id, index)
        if (tx.get(id)) throw actionError(409, index, `Document "${id}" already exists`, 'documentAlreadyExistsError')
        tx.create({...action.document, _id: id}, index, 'create')
        return
      }
      const baseId = stringField(action, 'baseId', index)
      const targetId = stringField(action, 'versionId', index)
      assertDocumentId(targetId, index)
      if (targetId !== `drafts.${publishedId}` && parseVersionId(targetId)?.publishedId !== publishedId) {
        throw badRequest(`Action ${index}: versionId "${targetId}" is not a version of "${publishedId}"`)
      }
      const base = tx.get(baseId)
      if (!base) throw actionError(409, index, `Cannot create a version from "${baseId}": it does not exist`, 'documentNotFoundError')
      if (typeof action.ifBaseRevisionId === 'string' && action.ifBaseRevisionId !== base._rev) {
        throw actionError(409, index, `Document "${baseId}" has revision "${String(base._rev)}", expected "${action.ifBaseRevisionId}"`, 'conflict')
      }
      requireEditableVersion(tx, targetId, index)
      if (tx.get(targetId)) throw actionError(409, index, `Document "${targetId}" already exists`, 'documentAlreadyExistsError')
      tx.create({...withoutSystemFields(base, targetId), _system: {base: {id: baseId, rev: base._rev}}}, index, 'create')
      return
    }
    case 'document.version.discard': {
      const id = stringField(action, 'versionId', index)
      assertDocumentId(id, index)
      if (!tx.get(id)) throw actionError(409, index, `Cannot discard "${id}": it does not exist`, 'documentNotFoundError')
      requireEditableVersion(tx, id, index)
      tx.delete(id, index)
      return
    }
    case 'document.version.replace': {
      if (!isRecord(action.document)) throw badRequest(`Action ${index}: "document" must be an object`)
      const id = action.document._id
      assertDocumentId(id, index)
      if (!id.startsWith('drafts.') && !parseVersionId(id)) throw badRequest(`Action ${index}: "${id}" is not a draft or version id`)
      if (!tx.get(id)) throw actionError(409, index, `Cannot replace "${id}": it does not exist`, 'documentNotFoundError')
      requireEditableVersion(tx, id, index)
      tx.create({...action.document, _id: id}, index, 'createOrReplace')
      return
    }
    case 'document.version.unpublish': {
      const id = stringField(action, 'versionId', index)
      const publishedId = stringField(action, 'publishedId', index)
      assertDocumentId(id, index)
      if (parseVersionId(id)?.publishedId !== publishedId) throw badRequest(`Action ${index}: versionId "${id}" is not a version of "${publishedId}"`)
      const published = tx.get(publishedId)
      if (!published) throw actionError(409, index, `Cannot unpublish "${publishedId}" with a release: it is not published`, 'documentNotFoundError')
      requireEditableVersion(tx, id, index)
      const existing = tx.get(id)
      const system = existing && isRecord(existing._system) ? existing._system : {}
      const base = existing ?? withoutSystemFields(published, id)
      tx.create({...base, _id: id, _system: {...system, delete: true}}, index, 'createOrReplace')
      return
    }
    default:
      throw actionError(400, index, `Action type "sanity.action.${type}" is not supported by this server`, 'unsupportedAction')
  }
}
