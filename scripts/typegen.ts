import {execFile} from 'node:child_process'
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {join, relative} from 'node:path'
import {promisify} from 'node:util'

import {isMainModule, runMain, type Command} from './lib/cli'
import {CliError} from './lib/errors'

const run = promisify(execFile)

/** The generated files, committed so frontends can import them without running the CLI. */
export const GENERATED = ['schema.json', 'sanity.types.ts'] as const

async function sanity(args: string[], cwd: string) {
  try {
    await run('npx', ['sanity', ...args], {cwd, env: {...process.env, DO_NOT_TRACK: '1'}, maxBuffer: 32 * 1024 * 1024})
  } catch (error) {
    const {stderr, stdout} = error as {stderr?: string; stdout?: string}
    throw new CliError(`sanity ${args.join(' ')} failed:\n${stderr || stdout || (error as Error).message}`)
  }
}

/**
 * Generate into a fresh folder, then copy or compare. The folder is inside the project because
 * `sanity schema extract --path` resolves even absolute paths against it. The Source line names
 * the schema path, which differs in the temp folder: it is written as the committed path.
 */
export async function generate(root: string): Promise<Map<string, string>> {
  const dir = await mkdtemp(join(root, '.typegen-'))
  try {
    const schemaPath = join(dir, 'schema.json')
    await sanity(['schema', 'extract', '--enforce-required-fields', '--path', relative(root, schemaPath)], root)
    const configPath = join(dir, 'sanity-typegen.json')
    await writeFile(
      configPath,
      JSON.stringify({path: './queries/**/*.ts', schema: relative(root, schemaPath), generates: relative(root, join(dir, 'sanity.types.ts')), overloadClientMethods: true}),
    )
    await sanity(['typegen', 'generate', '--config-path', configPath], root)
    const files = new Map<string, string>()
    files.set('schema.json', await readFile(schemaPath, 'utf8'))
    const types = await readFile(join(dir, 'sanity.types.ts'), 'utf8')
    files.set('sanity.types.ts', types.replaceAll(relative(root, schemaPath), 'schema.json'))
    return files
  } finally {
    await rm(dir, {recursive: true, force: true})
  }
}

/** Names of committed generated files that differ from a fresh generation. */
export async function staleFiles(root: string): Promise<string[]> {
  const fresh = await generate(root)
  const stale: string[] = []
  for (const [name, content] of fresh) {
    const committed = await readFile(join(root, name), 'utf8').catch(() => '')
    if (committed !== content) stale.push(name)
  }
  return stale
}

export const typegen: Command = {
  name: 'typegen',
  usage: `
Usage: npm run typegen [-- --check]

Extracts the schema (schema.json) and generates TypeScript types for the schema and every
defineQuery in queries/ (sanity.types.ts). Both files are generated: never edit them by hand.

Options:
  --check     Regenerate in a temp folder and fail if the committed files are stale.
  -h, --help  Show this help.
`,
  options: {check: {type: 'boolean'}},
  async run(values, io) {
    const root = process.cwd()
    if (values.check === true) {
      const stale = await staleFiles(root)
      if (stale.length) throw new CliError(`${stale.join(' and ')} ${stale.length === 1 ? 'is' : 'are'} stale: run npm run typegen and commit the result`)
      io.stdout('generated files are up to date\n')
      return 0
    }
    io.stderr('extracting schema and generating types…\n')
    for (const [name, content] of await generate(root)) {
      await writeFile(join(root, name), content)
      io.stdout(`wrote ${name}\n`)
    }
    return 0
  },
}

if (isMainModule(import.meta.url)) runMain(typegen)
