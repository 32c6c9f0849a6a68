import {readFile} from 'node:fs/promises'

import {evaluate, parse} from 'groq-js'

import {CliError} from './errors'
import {applyPerspective} from './perspective'
import type {ContentSource, LoadProblem, Perspective, StoredDocument} from './types'

export interface ParsedNdjson {
  documents: StoredDocument[]
  problems: LoadProblem[]
}

/**
 * Parse NDJSON line by line. A malformed line is reported with its number and skipped, so the
 * rest of the file is still checked.
 */
export function parseNdjson(text: string): ParsedNdjson {
  const documents: StoredDocument[] = []
  const problems: LoadProblem[] = []
  const lines = text.split('\n')
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!.trim()
    if (line === '') continue
    const lineNumber = index + 1
    let value: unknown
    try {
      value = JSON.parse(line)
    } catch (error) {
      problems.push({line: lineNumber, message: `line ${lineNumber} is not valid JSON (${(error as Error).message}): fix or remove the line`})
      continue
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      problems.push({line: lineNumber, message: `line ${lineNumber} is not a JSON object: each line must hold one document`})
      continue
    }
    const doc = value as Record<string, unknown>
    if (typeof doc._id !== 'string' || doc._id === '') {
      problems.push({line: lineNumber, message: `line ${lineNumber} has no _id: every document needs a string _id`})
      continue
    }
    if (typeof doc._type !== 'string' || doc._type === '') {
      problems.push({line: lineNumber, message: `line ${lineNumber} (document "${doc._id}") has no _type: every document needs a string _type`})
      continue
    }
    documents.push(doc as StoredDocument)
  }
  return {documents, problems}
}

/** An NDJSON file evaluated in-process with groq-js. */
export class FileSource implements ContentSource {
  readonly description: string
  private loaded?: Promise<ParsedNdjson>

  constructor(
    readonly path: string,
    private readonly defaultPerspective: Perspective = 'raw',
  ) {
    this.description = `file ${path}`
  }

  static fromDocuments(documents: StoredDocument[], description = 'in-memory documents'): FileSource {
    const source = new FileSource(description)
    source.loaded = Promise.resolve({documents, problems: []})
    return source
  }

  private load(): Promise<ParsedNdjson> {
    this.loaded ??= readFile(this.path, 'utf8').then(parseNdjson, (error: NodeJS.ErrnoException) => {
      throw new CliError(`cannot read ${this.path}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`)
    })
    return this.loaded
  }

  async documents(): Promise<StoredDocument[]> {
    return (await this.load()).documents
  }

  async loadProblems(): Promise<LoadProblem[]> {
    return (await this.load()).problems
  }

  async fetch<Result = unknown>(query: string, params: Record<string, unknown> = {}, options: {perspective?: Perspective} = {}): Promise<Result> {
    const {documents} = await this.load()
    const dataset = applyPerspective(documents, options.perspective ?? this.defaultPerspective)
    const tree = parse(query, {params})
    const value = await evaluate(tree, {dataset, params})
    return (await value.get()) as Result
  }
}
