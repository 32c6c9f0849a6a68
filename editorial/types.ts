/**
 * Editorial checks: NHS content style, accessibility and links. One set of rules, defined in
 * `editorial/rules/`, run by the Studio (as field validation, see `editorial/sanity.ts`) and by
 * the CLI (`content:validate`, `content:report`, through `editorial/engine.ts`).
 *
 * This folder must stay free of Node and Sanity imports below `sanity.ts`: the rules are bundled
 * into the Studio and run in the browser on every keystroke.
 */

/** A Sanity-style path relative to the field being checked: `[{_key: 'abc'}, 'children', {_key: 'def'}]`. */
export type PathSegment = string | number | {_key: string}
export type Path = PathSegment[]

export type Level = 'error' | 'warning'

/**
 * What a field holds, as the rules see it. Decided from the schema (`editorial/schemaKinds.ts`):
 * - `plain`: a short string (a title, a name, a list item);
 * - `prose`: a multi-line text field (a summary, a description);
 * - `blocks`: Portable Text (a body);
 * - `url`: a web address field;
 * - `link`: a `link` object ({label, url, internal});
 * - `image`: an image with `alt` and `decorative`.
 */
export type FieldKind = 'plain' | 'prose' | 'blocks' | 'url' | 'link' | 'image'

/** A run of text a reader reads as one piece: a whole plain/prose field, or one Portable Text block. */
export interface TextSegment {
  text: string
  /** Where the text is, relative to the field: `[]` for a plain field, `[{_key}]` for a block. */
  path: Path
  /** The block style (`normal`, `h2`, `h3`, `h4`, `blockquote`) for Portable Text; undefined otherwise. */
  style?: string
  /** Set for list items (`bullet`, `number`): they are not sentences, so sentence rules may skip them. */
  listItem?: string
}

/** A link as a reader meets it: its visible text and where it goes. */
export interface LinkOccurrence {
  /** The visible link text (a Portable Text annotation's spans joined, or a link object's label). */
  text: string
  /** The external address; undefined for links to pages in this hub. */
  href?: string
  internal: boolean
  /** Where the link is defined, relative to the field (the markDef, or the link object). */
  path: Path
  /** The whole text around the link (the block, or the label), for "(PDF, 2MB)" after the link text. */
  context: string
}

export interface HeadingOccurrence {
  /** 2 for h2, 3 for h3, … The page title is the h1, so a body starts at 2. */
  level: number
  text: string
  path: Path
}

export interface ImageOccurrence {
  alt?: string
  decorative?: boolean
  path: Path
}

/** A field's value, flattened once into what the rules look at. Built by `editorial/content.ts`. */
export interface FieldContent {
  kind: FieldKind
  segments: TextSegment[]
  links: LinkOccurrence[]
  headings: HeadingOccurrence[]
  images: ImageOccurrence[]
  /** For `url` fields: the address. */
  url?: string
}

/** A problem one rule found, before it is placed in a document. */
export interface RuleFinding {
  message: string
  /** Relative to the field; `[]` for the field itself. */
  path: Path
}

export interface FieldRuleContext {
  /** The document being checked, when there is one (the Studio always has one). */
  document?: {_id?: string; _type?: string; [field: string]: unknown}
  /** The day to judge dates against: injectable for tests and scheduled releases. */
  today: Date
}

interface RuleBase {
  /** Stable, kebab-case: it is what an editor writes in an override. */
  id: string
  level: Level
  /** Shown in override pickers and report headings: what good looks like. */
  title: string
  /** The guidance the rule comes from (an NHS digital service manual page, WCAG success criterion…). */
  source: string
}

/** Checks one field's content. Most rules are this kind. */
export interface FieldRule extends RuleBase {
  scope: 'field'
  /** The kinds of field the rule reads; the engine only calls it for those. */
  kinds: readonly FieldKind[]
  check(content: FieldContent, context: FieldRuleContext): RuleFinding[]
}

/** Checks a document as a whole, and reports on one of its fields (a framework's status, say). */
export interface DocumentRule extends RuleBase {
  scope: 'document'
  /** Document types the rule applies to. */
  types: readonly string[]
  /** The top-level field the finding belongs to: where the Studio shows it. */
  field: string
  check(document: {_id?: string; _type?: string; [field: string]: unknown}, context: FieldRuleContext): RuleFinding[]
}

export type Rule = FieldRule | DocumentRule

/** A finding placed in a document: what the CLI, the report and the Studio show. */
export interface Finding {
  ruleId: string
  level: Level
  message: string
  /** Absolute path in the document: `['body', {_key: 'a1'}, 'markDefs', {_key: 'l1'}]`. */
  path: Path
}

/**
 * An editor's decision to switch a rule off for one field (or a whole document), with the reason,
 * stored on the document in `editorialOverrides`.
 */
export interface EditorialOverride {
  _key?: string
  rule?: string
  /** A top-level field name (`body`, `summary`); empty means the whole document. */
  field?: string
  reason?: string
}
