import {execFile} from 'node:child_process'
import {join} from 'node:path'

const ROOT = join(import.meta.dirname, '..', '..')
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx')

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

/** Run one of the project's scripts as a user would, in its own process, and collect its output. */
export function runCli(script: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(TSX, [join(ROOT, script), ...args], {cwd: ROOT, env: {...process.env, ...env}, maxBuffer: 64 * 1024 * 1024}, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0
      resolve({code, stdout, stderr})
    })
  })
}
