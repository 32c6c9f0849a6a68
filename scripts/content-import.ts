import {readFileSync} from 'node:fs'
import type {SanityClient} from '@sanity/client'
import {createLocalClient, localToken} from '../server/client'
import {isMainModule, runMain, stringOption, type Command} from './lib/cli'
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

export const contentImportCommand: Command = {
  name: 'content:import',
  usage: `Usage: npm run content:import -- FILE.ndjson [options]

Imports an NDJSON file of documents into a dataset of the local server (or any Sanity API),
through @sanity/client, one transaction per batch. Progress goes to stderr.

Options:
  --dataset NAME   dataset to import into (default: production; created if missing)
  --replace        replace documents that already exist (createOrReplace)
  --missing        skip documents that already exist (createIfNotExists)
                   (default: fail when a document already exists, like sanity dataset import)
  --url URL        API URL (default: https://localhost:$AHP_PORT, port 3333)
  --token TOKEN    token (default: $AHP_TOKEN, $AHP_ADMIN_TOKEN, or <data>/admin-token)
  --data DIR       the server's data folder, for its token and CA (default: $AHP_DATA_DIR or ./data)
  -h, --help       show this help

Exit codes: 0 imported, 1 runtime error, 2 usage error.
`,
  options: {
    dataset: {type: 'string'},
    replace: {type: 'boolean'},
    missing: {type: 'boolean'},
    url: {type: 'string'},
    token: {type: 'string'},
    data: {type: 'string'},
  },
  async run(values, io, positionals) {
    const [file, ...extra] = positionals
    if (!file || extra.length > 0) throw new UsageError('give exactly one NDJSON file')
    if (values.replace === true && values.missing === true) throw new UsageError('--replace and --missing cannot be combined')
    const mode: ImportMode = values.replace === true ? 'createOrReplace' : values.missing === true ? 'createIfNotExists' : 'create'
    const dataset = stringOption(values, 'dataset') ?? 'production'
    const dataDir = stringOption(values, 'data') ?? (io.env.AHP_DATA_DIR || './data')
    const url = stringOption(values, 'url') ?? `https://localhost:${io.env.AHP_PORT || '3333'}`
    const token = stringOption(values, 'token') ?? localToken(dataDir, io.env)
    if (!token) throw new UsageError(`no token: pass --token, set AHP_TOKEN, or run the server once so ${dataDir}/admin-token exists`)
    let ndjson: string
    try {
      ndjson = readFileSync(file, 'utf8')
    } catch (err) {
      throw new CliError(`cannot read ${file}: ${(err as Error).message}`)
    }
    const client = createLocalClient({url, dataset, token, dataDir})
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
      io.stderr(`Done: ${count} documents imported into "${dataset}" (${mode})\n`)
      return 0
    } catch (err) {
      if (err instanceof CliError) throw err
      throw new CliError(`import failed: ${(err as Error).message}`)
    }
  },
}

if (isMainModule(import.meta.url)) runMain(contentImportCommand)
