import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {parseArgs} from 'node:util'

import {checkDataset, DOCUMENT_PLAN} from '../editorial/dataset'
import {readField} from '../editorial/content'
import {valuesAt, type DocumentLike} from '../editorial/engine'
import {generateDataset} from './datasets'
import {runBench} from './harness'

/**
 * `npm run bench` (editorial part): every editorial rule over two datasets of 10,000 documents,
 * each against a baseline that reads the same fields into the same shape and only counts their
 * words (the cost of touching the content at all):
 * - generated documents (bench/datasets.ts): long bodies of 10 to 30 blocks, about 7 times the
 *   text of the hub's real pages: the heavy case;
 * - the seed content's 48 documents repeated: pages shaped like the hub's own.
 * The goal is absolute (10,000 documents in under 2 s), so that figure is printed too.
 */
const {values} = parseArgs({options: {documents: {type: 'string', default: '10000'}, runs: {type: 'string', default: '3'}}})
const documents = Number(values.documents)
const runs = Number(values.runs)
if (!Number.isInteger(documents) || documents < 1 || !Number.isInteger(runs) || runs < 1) {
  console.error('Usage: tsx bench/editorial.bench.ts -- [--documents N] [--runs R]')
  process.exit(2)
}

const TARGET_MS = 2000 * (documents / 10_000)

function seedShaped(count: number): DocumentLike[] {
  const seed = readFileSync(join(import.meta.dirname, '..', 'content', 'dataset.ndjson'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as DocumentLike)
  return Array.from({length: count}, (_, index) => ({...seed[index % seed.length]!, _id: `${seed[index % seed.length]!._id}-${index}`}))
}

async function benchDataset(title: string, dataset: DocumentLike[]): Promise<void> {
  const megabytes = JSON.stringify(dataset).length / 1e6
  let findings = 0
  const results = await runBench({
    title: `editorial checks, ${title} (${megabytes.toFixed(1)} MB of JSON)`,
    items: dataset.length,
    unit: 'docs',
    runs,
    baseline: {
      name: 'baseline: read the same fields and count words',
      run: async () => {
        let words = 0
        for (const document of dataset) {
          for (const entry of DOCUMENT_PLAN.get(document._type ?? '') ?? []) {
            for (const {value} of valuesAt(document, entry.path)) {
              for (const segment of readField(entry.kind, value).segments) words += segment.text.split(' ').length
            }
          }
        }
        if (words === 0) throw new Error('baseline read no words: the plan does not match the documents')
      },
    },
    cases: [
      {
        name: 'every rule, overrides applied',
        run: async () => {
          findings = checkDataset(dataset).reduce((count, result) => count + result.findings.length, 0)
        },
      },
    ],
  })
  const rules = results.find((result) => result.name === 'every rule, overrides applied')!
  console.log(
    `  ${dataset.length} documents checked in ${rules.ms.toFixed(0)} ms (${findings} findings); goal: under ${TARGET_MS.toFixed(0)} ms: ${rules.ms < TARGET_MS ? 'met' : 'NOT met'}`,
  )
}

await benchDataset('generated documents with long bodies', generateDataset({documents}) as DocumentLike[])
await benchDataset('the seed content repeated', seedShaped(documents))
