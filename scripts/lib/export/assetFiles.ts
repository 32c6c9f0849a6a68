import {createHash} from 'node:crypto'
import {readFile} from 'node:fs/promises'
import {dirname, join} from 'node:path'

import {ApiSource, FileSource, type ContentSource} from '../../../sources'
import {describeNetworkError} from '../cli'
import {ASSETS_DIR, type AssetFile} from './imageAssets'

/**
 * The bytes of an asset file the export copies into `assets/`, from where the source keeps them:
 * - an NDJSON file: `assets/<name>` beside it (what an export holds, so an export exports again),
 *   or `images/<name>` (what `sanity dataset export` unpacks), else the asset document's `url`;
 * - the local server (or any server that is not Sanity's): its `path`, through the source's own
 *   client, so the local CA and the token apply, whatever port the asset was uploaded on;
 * - a hosted project: the `url`, on Sanity's CDN.
 * The file's SHA-1 must match the asset id, so a wrong file is never copied.
 */
export async function readAssetFile(source: ContentSource, file: AssetFile): Promise<Buffer> {
  const bytes = await fetchBytes(source, file)
  const expected = file.fileName.split('-')[0]
  if (expected && /^[a-f0-9]{40}$/.test(expected) && createHash('sha1').update(bytes).digest('hex') !== expected) {
    throw new Error(`its file does not match the asset id (SHA-1 differs): upload the image again`)
  }
  return bytes
}

async function fetchBytes(source: ContentSource, file: AssetFile): Promise<Buffer> {
  if (source instanceof FileSource) {
    const dir = dirname(source.path)
    for (const folder of [ASSETS_DIR, 'images']) {
      const found = await readFile(join(dir, folder, file.fileName)).catch(() => undefined)
      if (found) return found
    }
    return download(file.url, `or put the file in ${join(dir, ASSETS_DIR, file.fileName)}`)
  }
  if (source instanceof ApiSource) {
    const {apiHost} = source.client.config()
    if (file.path && apiHost && !/\.sanity\.io$/.test(new URL(apiHost).hostname)) {
      try {
        // get-it's `rawBody` hands the bytes back as a Buffer (the client's types do not list it)
        const options = {uri: `/${file.path}`, rawBody: true, tag: 'export.asset'}
        const body: unknown = await source.client.request(options)
        if (Buffer.isBuffer(body)) return body
        if (typeof body === 'string') return Buffer.from(body, 'binary')
        throw new Error('the server answered with no file')
      } catch (error) {
        throw new Error(describeNetworkError(error, apiHost))
      }
    }
  }
  return download(file.url, 'check the asset in the Studio')
}

async function download(url: string, fix: string): Promise<Buffer> {
  if (!/^https?:\/\//.test(url)) throw new Error(`its url "${url}" is not a web address: ${fix}`)
  let response: Response
  try {
    response = await fetch(url)
  } catch (error) {
    throw new Error(`cannot download ${url}: ${describeNetworkError(error, url)}; ${fix}`)
  }
  if (!response.ok) throw new Error(`cannot download ${url}: HTTP ${response.status}; ${fix}`)
  return Buffer.from(await response.arrayBuffer())
}
