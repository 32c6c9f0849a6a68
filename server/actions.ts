import {ApiError, badRequest} from './errors.js'
import {assertDocumentId, type TransactionBuilder} from './mutations.js'
import {strengthenOnPublish} from './references.js'
import {applyReleaseAction, isReleaseActionType, requireEditableVersion, type ReleaseContext} from './releases.js'
import type {SanityDocument} from './types.js'

/**
 * `sanity.action.document.*` actions, expressed as the mutations they stand for so that listeners
 * receive ordinary `mutations` and mendoza `effects`. All actions of a request share one builder
 * and so commit in one transaction or not at all.
 */

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

function actionError(status: number, index: number, description: string, type = 'actionError'): ApiError {
  return new ApiError(status, 'actionError', description, {items: [{index, error: {type, description}}]})
}

const stringField = (action: Record<string, unknown>, field: string, index: number): string => {
  const value = action[field]
  if (typeof value !== 'string' || value === '') throw badRequest(`Action ${index}: "${field}" is required`)
  return value
}

function draftIdOf(action: Record<string, unknown>, publishedId: string): string {
  return typeof action.draftId === 'string' && action.draftId ? action.draftId : `drafts.${publishedId}`
}

/** `release.*` and `document.version.*` actions are async (a release is validated before it is published): see server/releases.ts. */
export function applyAction(
  tx: TransactionBuilder,
  action: unknown,
  index: number,
  context: ReleaseContext = {now: new Date(), validate: null},
): void | Promise<void> {
  if (!isRecord(action) || typeof action.actionType !== 'string') throw badRequest(`Action ${index} has no actionType`)
  const type = action.actionType.replace(/^sanity\.action\./, '')
  if (isReleaseActionType(type)) return applyReleaseAction(tx, type, action, index, context)
  switch (type) {
    case 'document.create': {
      const publishedId = stringField(action, 'publishedId', index)
      const attributes = action.attributes
      if (!isRecord(attributes)) throw badRequest(`Action ${index}: "attributes" must be an object`)
      const id = typeof attributes._id === 'string' && attributes._id ? attributes._id : `drafts.${publishedId}`
      assertDocumentId(id, index)
      if (tx.get(id)) {
        if (action.ifExists === 'ignore') return
        throw actionError(409, index, `Document "${id}" already exists`, 'documentAlreadyExistsError')
      }
      tx.create({...attributes, _id: id}, index, 'create')
      return
    }
    case 'document.edit': {
      const publishedId = stringField(action, 'publishedId', index)
      const draftId = draftIdOf(action, publishedId)
      if (!isRecord(action.patch)) throw badRequest(`Action ${index}: "patch" must be an object`)
      // the Studio edits release versions with draftId = versions.<release>.<id>: locked while scheduled
      requireEditableVersion(tx, draftId, index)
      if (!tx.get(draftId)) {
        const published = tx.get(publishedId)
        if (!published) throw actionError(409, index, `Cannot edit "${publishedId}": neither a draft nor a published document exists`, 'documentNotFoundError')
        tx.create(withoutSystemFields(published, draftId), index, 'createIfNotExists')
      }
      tx.patch(draftId, action.patch, index)
      return
    }
    case 'document.publish': {
      const publishedId = stringField(action, 'publishedId', index)
      const draftId = draftIdOf(action, publishedId)
      const draft = tx.get(draftId)
      if (!draft) throw actionError(409, index, `Cannot publish "${publishedId}": there is no draft "${draftId}"`, 'documentNotFoundError')
      if (typeof action.ifDraftRevisionId === 'string' && action.ifDraftRevisionId !== draft._rev) {
        throw actionError(409, index, `Draft "${draftId}" has revision "${String(draft._rev)}", expected "${action.ifDraftRevisionId}"`, 'conflict')
      }
      const published = tx.get(publishedId)
      if (typeof action.ifPublishedRevisionId === 'string' && action.ifPublishedRevisionId !== published?._rev) {
        throw actionError(409, index, `Document "${publishedId}" has revision "${String(published?._rev)}", expected "${action.ifPublishedRevisionId}"`, 'conflict')
      }
      // the draft's references to documents that exist become strong, as the Content Lake does on publish
      const next = strengthenOnPublish(withoutSystemFields(draft, publishedId), (id) => tx.get(id) !== null)
      tx.create({...next, _createdAt: published?._createdAt ?? draft._createdAt}, index, 'createOrReplace')
      tx.delete(draftId, index)
      return
    }
    case 'document.unpublish': {
      const publishedId = stringField(action, 'publishedId', index)
      const draftId = draftIdOf(action, publishedId)
      const published = tx.get(publishedId)
      if (!published) throw actionError(409, index, `Cannot unpublish "${publishedId}": it is not published`, 'documentNotFoundError')
      if (!tx.get(draftId)) tx.create(withoutSystemFields(published, draftId), index, 'createIfNotExists')
      tx.delete(publishedId, index)
      return
    }
    case 'document.discard': {
      const draftId = stringField(action, 'draftId', index)
      if (!tx.get(draftId)) throw actionError(409, index, `Cannot discard "${draftId}": it does not exist`, 'documentNotFoundError')
      tx.delete(draftId, index)
      return
    }
    case 'document.delete': {
      const publishedId = stringField(action, 'publishedId', index)
      const drafts = Array.isArray(action.includeDrafts) ? action.includeDrafts.filter((d): d is string => typeof d === 'string') : []
      const ids = new Set([publishedId, `drafts.${publishedId}`, ...drafts])
      for (const id of ids) if (tx.get(id)) tx.delete(id, index)
      return
    }
    case 'document.replaceDraft': {
      const publishedId = stringField(action, 'publishedId', index)
      const attributes = action.attributes
      if (!isRecord(attributes)) throw badRequest(`Action ${index}: "attributes" must be an object`)
      const draftId = typeof attributes._id === 'string' && attributes._id ? attributes._id : draftIdOf(action, publishedId)
      tx.create({...attributes, _id: draftId}, index, 'createOrReplace')
      return
    }
    default:
      throw actionError(400, index, `Action type "${action.actionType}" is not supported by this server yet`, 'unsupportedAction')
  }
}

function withoutSystemFields(doc: SanityDocument, id: string): SanityDocument {
  const {_rev: _r, _updatedAt: _u, _originalId: _o, ...rest} = doc
  return {...rest, _id: id}
}
