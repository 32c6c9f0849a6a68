import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {parseArgs} from 'node:util'

import {DOCUMENT_TYPE_NAMES} from '../schemas'
import {exportContent} from '../scripts/lib/export'
import {buildSite} from '../site/build'
import {FileSource} from '../sources'
import {generateDataset, toNdjson} from './datasets'
import {runBench} from './harness'

/**
 * `npm run bench` (this part: `tsx bench/site.bench.ts [--documents N --runs R]`): the static
 * site build of a generated dataset, as a ratio to `content:export` of the same data measured in
 * the same process. The site is built from that export, as `npm run site:build` does.
 */
const {values} = parseArgs({options: {documents: {type: 'string', default: '10000'}, runs: {type: 'string', default: '1'}}})
const documents = Number(values.documents)
const runs = Number(values.runs)
if (!Number.isInteger(documents) || documents < 1 || !Number.isInteger(runs) || runs < 1) {
  console.error('Usage: tsx bench/site.bench.ts [--documents N] [--runs R]')
  process.exit(2)
}

const work = await mkdtemp(join(tmpdir(), 'ahp-site-bench-'))
try {
  const input = join(work, 'dataset.ndjson')
  await writeFile(input, toNdjson(generateDataset({documents})))
  const exportDir = join(work, 'export')
  let round = 0
  let pages = 0
  let largest = ''
  await runBench({
    title: 'site:build (static site from an export)',
    items: documents,
    unit: 'docs',
    runs,
    baseline: {
      name: 'content:export',
      run: async () => {
        await exportContent({source: new FileSource(input), out: exportDir, perspective: 'published', allowedTypes: DOCUMENT_TYPE_NAMES})
      },
    },
    cases: [
      {
        name: 'site:build',
        run: async () => {
          const summary = await buildSite({from: exportDir, out: join(work, `site-${round++}`)})
          pages = summary.pages
          largest = `${summary.largestPage.path} ${(summary.largestPage.bytes / 1024).toFixed(1)} KB of HTML and CSS (stylesheet ${(summary.cssBytes / 1024).toFixed(1)} KB)`
        },
      },
    ],
  })
  console.log(`  site:build wrote ${pages} pages; largest ${largest}`)
} finally {
  await rm(work, {recursive: true, force: true})
}
