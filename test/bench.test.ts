import {execFile} from 'node:child_process'
import {join} from 'node:path'
import {promisify} from 'node:util'

import {expect, test} from 'vitest'

import {runBench} from '../bench/harness'

// Figures only: these check the benchmark still runs and reports, never how fast anything is.

test('the harness reports throughput and the ratio to the baseline', async () => {
  const lines: string[] = []
  const results = await runBench({
    title: 'demo',
    items: 100,
    unit: 'docs',
    runs: 2,
    targetRatio: 4,
    baseline: {name: 'baseline', run: async () => {}},
    cases: [{name: 'slower', run: () => new Promise((resolve) => setTimeout(resolve, 5))}],
    log: (line) => lines.push(line),
  })
  expect(results.map((result) => result.name)).toEqual(['baseline', 'slower'])
  expect(results[0]!.ratio).toBe(1)
  expect(results[1]!.ms).toBeGreaterThan(results[0]!.ms)
  expect(lines[0]).toBe('demo: 100 docs, fastest of 2 runs')
  expect(lines[2]).toMatch(/slower .* docs\/s .*x baseline +\(target ≤ 4x: (met|NOT met)\)/)
})

test('npm run bench runs end to end on a small dataset', async () => {
  const {stdout} = await promisify(execFile)('npx', ['tsx', 'bench/export.bench.ts', '--documents', '300'], {cwd: join(import.meta.dirname, '..')})
  expect(stdout).toMatch(/generated 300 documents/)
  expect(stdout).toMatch(/baseline: JSON\.parse \+ JSON\.stringify to files +\d+ ms +\d+ docs\/s/)
  expect(stdout).toMatch(/content:export +\d+ ms +\d+ docs\/s +\d+\.\d\dx baseline/)
}, 180_000)
