import {execFile} from 'node:child_process'
import {join} from 'node:path'
import {promisify} from 'node:util'

import {expect, test} from 'vitest'

// Figures only: this checks the site benchmark still runs and reports, never how fast anything is.
test('the site benchmark builds a generated dataset and reports its ratio to content:export', async () => {
  const {stdout} = await promisify(execFile)('npx', ['tsx', 'bench/site.bench.ts', '--documents', '300'], {cwd: join(import.meta.dirname, '..', '..')})
  expect(stdout).toMatch(/content:export +\d+ ms/)
  expect(stdout).toMatch(/site:build +\d+ ms +\d+ docs\/s +\d+\.\d\dx baseline/)
  expect(stdout).toMatch(/site:build wrote \d+ pages; largest \S+ \d+\.\d KB of HTML and CSS/)
}, 300_000)
