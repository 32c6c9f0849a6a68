/** A Sanity document as it is stored: the system fields we rely on, and anything else. */
export interface StoredDocument {
  _id: string
  _type: string
  _rev?: string
  _createdAt?: string
  _updatedAt?: string
  [field: string]: unknown
}

export type Perspective = 'raw' | 'published' | 'drafts'

/** A problem met while reading the source itself, before any document is checked. */
export interface LoadProblem {
  /** 1-based line of an NDJSON file, when the source is a file. */
  line?: number
  message: string
}

/**
 * Where content comes from. Scripts and tests reach content only through GROQ, so the same code
 * runs against the seed file, the local server and a hosted Sanity project.
 */
export interface ContentSource {
  /** For messages: "file content/dataset.ndjson", "https://localhost:3333 (dataset production)". */
  readonly description: string
  fetch<Result = unknown>(query: string, params?: Record<string, unknown>, options?: {perspective?: Perspective}): Promise<Result>
  /** Lines or records that could not be read. The rest of the source is still usable. */
  loadProblems(): Promise<LoadProblem[]>
}
