import {expect, test} from 'vitest'

import {contentExport} from '../../scripts/content-export'
import {contentValidate} from '../../scripts/content-validate'
import {runCommand, type CliIo} from '../../scripts/lib/cli'

/** A server that does not answer is one line naming it and what to do, never a stack. */

function io(): CliIo & {err: string} {
  const sink = {err: '', stdout: () => {}, stderr: (text: string) => void (sink.err += text), env: {}}
  return sink
}

test.each([
  ['content:validate', (sink: CliIo) => runCommand(contentValidate, ['--source', 'https://127.0.0.1:1'], sink)],
  ['content:export', (sink: CliIo) => contentExport(['--source', 'https://127.0.0.1:1', '--out', '/nonexistent/ahp-export'], sink)],
])('%s against a server that does not answer', async (name, run) => {
  const sink = io()
  expect(await run(sink)).toBe(1)
  const lines = sink.err.trimEnd().split('\n')
  expect(lines.at(-1)).toBe(`${name}: nothing answers at https://127.0.0.1:1 (ECONNREFUSED): start the server (npm start) or check --source`)
  expect(sink.err).not.toMatch(/\n\s+at /)
}, 60_000)
