import {parseArgs} from 'node:util'

import {checkDataset, DOCUMENT_PLAN} from '../editorial/dataset'
import {readField} from '../editorial/content'
import {valuesAt, type DocumentLike} from '../editorial/engine'
import {generateDataset} from './datasets'
import {runBench} from './harness'

/**
 * `npm run bench` (editorial part): every editorial rule over a generated dataset, against a
 * baseline that reads the same fields into the same shape and only counts their words: the cost
 * of touching the content at all. The goal is absolute (10,000 documents in under 2 s),
 * so that figure is printed too.
 */
const {values} = parseArgs({options: {documents: {type: 'string', default: '10000'}, runs: {type: 'string', default: '3'}}})
const documents = Number(values.documents)
const runs = Number(values.runs)
if (!Number.isInteger(documents) || documents < 1 || !Number.isInteger(runs) || runs < 1) {
  console.error('Usage: tsx bench/editorial.bench.ts -- [--documents N] [--runs R]')
  process.exit(2)
}

const dataset = generateDataset({documents}) as DocumentLike[]
const TARGET_MS = 2000 * (documents / 10_000)

let findings = 0
const results = await runBench({
  title: 'editorial checks',
  items: documents,
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
      if (words === 0) throw new Error('baseline read no words: the plan does not match the generated documents')
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
  `  ${documents} documents checked in ${rules.ms.toFixed(0)} ms (${findings} findings); goal: under ${TARGET_MS.toFixed(0)} ms: ${rules.ms < TARGET_MS ? 'met' : 'NOT met'}`,
)
