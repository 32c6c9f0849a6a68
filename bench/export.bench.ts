import {mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {parseArgs} from 'node:util'

import {DOCUMENT_TYPE_NAMES} from '../schemas'
import {exportContent, forEachLimited, WRITE_CONCURRENCY} from '../scripts/lib/export'
import {FileSource} from '../sources'
import {generateDataset, toNdjson} from './datasets'
import {runBench} from './harness'

/**
 * `npm run bench [-- --documents N --runs R]`: `content:export` of a generated dataset against a
 * baseline that only reads, parses and serialises the same NDJSON into the same number of files,
 * measured in the same process.
 */
const {values} = parseArgs({options: {documents: {type: 'string', default: '10000'}, runs: {type: 'string', default: '1'}}})
const documents = Number(values.documents)
const runs = Number(values.runs)
if (!Number.isInteger(documents) || documents < 1 || !Number.isInteger(runs) || runs < 1) {
  console.error('Usage: npm run bench -- [--documents N] [--runs R]')
  process.exit(2)
}

const work = await mkdtemp(join(tmpdir(), 'ahp-bench-'))
try {
  const input = join(work, 'dataset.ndjson')
  const ndjson = toNdjson(generateDataset({documents}))
  await writeFile(input, ndjson)
  console.log(`generated ${documents} documents, ${(Buffer.byteLength(ndjson) / 1e6).toFixed(1)} MB of NDJSON`)

  let round = 0
  const stages: string[] = []
  await runBench({
    title: 'content:export',
    items: documents,
    unit: 'docs',
    runs,
    targetRatio: 4,
    baseline: {
      name: 'baseline: JSON.parse + JSON.stringify to files',
      run: async () => {
        const out = join(work, `baseline-${round++}`)
        const docs = (await readFile(input, 'utf8'))
          .split('\n')
          .filter((line) => line !== '')
          .map((line) => JSON.parse(line) as {_id: string; _type: string})
        const folders = [...new Set(docs.map((doc) => join(out, doc._type)))]
        for (const folder of folders) await mkdir(folder, {recursive: true})
        await forEachLimited(docs, WRITE_CONCURRENCY, (doc) => writeFile(join(out, doc._type, `${doc._id}.json`), `${JSON.stringify(doc)}\n`))
      },
    },
    cases: [
      {
        name: 'content:export',
        run: async () => {
          const out = join(work, `export-${round++}`)
          const {timings} = await exportContent({source: new FileSource(input), out, perspective: 'published', allowedTypes: DOCUMENT_TYPE_NAMES})
          stages.push(`query ${timings.fetch.toFixed(0)} ms, prepare and write documents ${timings.build.toFixed(0)} ms, write indexes, NDJSON and schema ${timings.write.toFixed(0)} ms`)
        },
      },
    ],
  })
  for (const [run, line] of stages.entries()) console.log(`  content:export run ${run + 1}: ${line}`)
} finally {
  await rm(work, {recursive: true, force: true})
}
