import {readFileSync} from 'node:fs'
import type {SanityClient} from '@sanity/client'
import {resolveApiSource} from '../sources'
import {describeNetworkError, isMainModule, networkErrorCode, runMain, stringOption, type Command} from './lib/cli'
import {CliError, UsageError} from './lib/errors'

/** `npm run content:import -- FILE.ndjson [--dataset production] [--replace|--missing]`, like `sanity dataset import`. */

export type ImportMode = 'create' | 'createOrReplace' | 'createIfNotExists'

export interface ImportOptions {
  client: SanityClient
  ndjson: string
  mode: ImportMode
  batchSize?: number
  onProgress?: (done: number, total: number) => void
}

function parseNdjson(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .map((line, index) => ({line: line.trim(), index}))
    .filter(({line}) => line !== '')
    .map(({line, index}) => {
      let doc: unknown
      try {
        doc = JSON.parse(line)
      } catch {
        throw new CliError(`line ${index + 1}: not valid JSON`)
      }
      if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new CliError(`line ${index + 1}: not a JSON object`)
      const record = doc as Record<string, unknown>
      if (typeof record._id !== 'string' || typeof record._type !== 'string') throw new CliError(`line ${index + 1}: needs a string _id and _type`)
      return record
    })
}

/** Imports NDJSON documents in batches, one transaction a batch; returns how many were written. */
export async function importNdjson(options: ImportOptions): Promise<number> {
  const docs = parseNdjson(options.ndjson)
  const batchSize = options.batchSize ?? 100
  let done = 0
  for (let start = 0; start < docs.length; start += batchSize) {
    const batch = docs.slice(start, start + batchSize)
    const mutations = batch.map((doc) => {
      const {_rev: _r, _updatedAt: _u, ...rest} = doc
      return {[options.mode]: rest} as never
    })
    await options.client.mutate(mutations, {visibility: 'async', returnDocuments: false})
    done += batch.length
    options.onProgress?.(done, docs.length)
  }
  return done
}

const USAGE = `Usage: npm run content:import -- FILE.ndjson [--source https://HOST] [--dataset NAME] [--replace|--missing]

Imports an NDJSON file of documents into a dataset of the local server (or any Sanity API),
through @sanity/client, one transaction per batch. Progress goes to stderr.

Options:
  --source https://HOST  the API to import into (default: the local server, https://localhost:$AHP_PORT,
                         port 3333). Its CA and token come from the data folder (AHP_DATA_DIR, default
                         ./data); SANITY_API_TOKEN or AHP_TOKEN give another token. With no --source
                         and SANITY_PROJECT_ID set: that hosted project (SANITY_API_TOKEN).
  --dataset NAME         dataset to import into (default: production, or SANITY_DATASET; created if missing)
  --replace              replace documents that already exist (createOrReplace)
  --missing              skip documents that already exist (createIfNotExists)
                         (default: fail when a document already exists, like sanity dataset import)
  -h, --help             show this help

Exit codes: 0 imported, 1 runtime error, 2 usage error.
`

/** The options this command had before it took --source like every other command. */
const RENAMED: Record<string, string> = {url: '--source https://HOST', token: 'SANITY_API_TOKEN=TOKEN', data: 'AHP_DATA_DIR=DIR'}

export const contentImportCommand: Command = {
  name: 'content:import',
  usage: USAGE,
  options: {
    source: {type: 'string'},
    dataset: {type: 'string'},
    replace: {type: 'boolean'},
    missing: {type: 'boolean'},
    url: {type: 'string'},
    token: {type: 'string'},
    data: {type: 'string'},
  },
  async run(values, io, positionals) {
    for (const [old, now] of Object.entries(RENAMED)) {
      if (values[old] !== undefined) throw new UsageError(`--${old} is gone: use ${now}, as content:validate and content:export do`)
    }
    const [file, ...extra] = positionals
    if (!file || extra.length > 0) throw new UsageError('give exactly one NDJSON file')
    if (values.replace === true && values.missing === true) throw new UsageError('--replace and --missing cannot be combined')
    const mode: ImportMode = values.replace === true ? 'createOrReplace' : values.missing === true ? 'createIfNotExists' : 'create'
    const dataset = stringOption(values, 'dataset') ?? io.env.SANITY_DATASET ?? 'production'
    const given = stringOption(values, 'source')
    const url = given ?? (io.env.SANITY_PROJECT_ID ? undefined : `https://localhost:${io.env.AHP_PORT || '3333'}`)
    const {client, description} = resolveApiSource({url, dataset, env: io.env})
    if (!client.config().token) {
      throw new UsageError(`no token for ${description}: set SANITY_API_TOKEN, or run the local server once so its data folder has admin-token (AHP_DATA_DIR)`)
    }
    let ndjson: string
    try {
      ndjson = readFileSync(file, 'utf8')
    } catch (err) {
      throw new CliError(`cannot read ${file}: ${(err as Error).message}`)
    }
    try {
      const existing = await client.datasets.list()
      if (!existing.some((d) => d.name === dataset)) {
        await client.datasets.create(dataset)
        io.stderr(`Created dataset "${dataset}"\n`)
      }
      const count = await importNdjson({
        client,
        ndjson,
        mode,
        onProgress: (done, total) => io.stderr(`Imported ${done}/${total} documents\n`),
      })
      io.stderr(`Done: ${count} documents imported into "${dataset}" of ${description} (${mode})\n`)
      return 0
    } catch (err) {
      if (err instanceof CliError) throw err
      if (networkErrorCode(err)) throw new CliError(describeNetworkError(err, url ?? description))
      throw new CliError(`import failed: ${(err as Error).message}`)
    }
  },
}

if (isMainModule(import.meta.url)) runMain(contentImportCommand)
