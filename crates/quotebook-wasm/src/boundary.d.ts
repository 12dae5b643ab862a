// The shapes of the values that cross the boundary, as serde-wasm-bindgen reads and writes
// them: wasm-bindgen copies this text into the bindings' `.d.ts` (src/types.rs), and the
// exported functions name these types, so `tsc` checks the extension's JavaScript against
// them. tests/boundary_types.rs fails when a Rust type and its interface here disagree.
//
// Outputs have every field (an absent `Option` is `null`); inputs read with serde's
// `default` may leave fields out (`?`).

/** A page's note, as stored under `note:<id>` and as the core returns it. */
export interface Note {
  schema: number;
  id: string;
  url: string;
  canonical: string | null;
  aliases: string[];
  title: string;
  authors: string[];
  site: string | null;
  published: string | null;
  description: string | null;
  lang: string | null;
  created: string;
  updated: string;
  quotes: Quote[];
}

/** One saved passage of a note. */
export interface Quote {
  id: string;
  markdown: string;
  text: string;
  created: string;
  comment: string;
  tags: string[];
  fragment: string | null;
  selector: TextSelector | null;
  private: boolean;
  position: number | null;
  kind: QuoteKind;
}

/** A quote's kind (stable ids; names and colours are the reader's settings). */
export type QuoteKind = 'quote' | 'important' | 'question' | 'idea' | 'definition';

export interface TextSelector {
  exact: string;
  prefix: string;
  suffix: string;
  /** The page held the exact text more than once when the quote was saved. */
  repeated: boolean;
}

/** What the capture script sends for a save. */
export interface Capture {
  url?: string;
  baseUrl?: string | null;
  title?: string;
  canonical?: string | null;
  ranges?: string[];
  text?: string;
  rangeTexts?: string[];
  incognito?: boolean;
  metaHtml?: string | null;
  pageText?: string | null;
  offsets?: [number, number][];
}

/** One save: the capture and what the core cannot know by itself. */
export interface ClipRequest {
  capture?: Capture;
  now?: string;
  quoteId?: string;
  comment?: string;
  tags?: string[];
  allowPrivate?: boolean;
  /** Notes of the page under former identities, as stored (any schema). */
  former?: Note[];
}

/** What a save did (`clip_outcome`): the note to store, and each range's fate. */
export interface ClipOutcome {
  note: Note;
  quotes: ClippedQuote[];
}

/** `duplicate`: the note already holds this text at this place; `id` is that quote's. */
export interface ClippedQuote {
  id: string;
  status: 'saved' | 'duplicate';
}

/** What `anchor_quotes` reads of a saved quote (a stored `Quote` will do). */
export interface AnchorQuery {
  id?: string;
  text?: string;
  selector?: AnchorSelector | null;
  position?: number | null;
}

export interface AnchorSelector {
  exact?: string;
  prefix?: string;
  suffix?: string;
  repeated?: boolean;
}

export type AnchorStatus = 'exact' | 'moved' | 'approximate' | 'ambiguous' | 'orphan';

/** Where a quote is in the page text: `[start, end)` in UTF-16 units; `null` when not found. */
export interface Anchor {
  id: string;
  status: AnchorStatus;
  start: number | null;
  end: number | null;
}

/** A deep link to a quote (`text_fragment`). */
export interface TextFragment {
  directive: string;
  hash: string;
  exact: string;
  prefix: string;
  suffix: string;
  start: number;
  end: number;
  unique: boolean;
  polyfillCompatible: boolean;
  selectsCopy: boolean;
}

/** Template sources; an empty string means the default. */
export interface Templates {
  note: string;
  quote: string;
}

export type QuoteOrder = 'saved' | 'page';

/** The reader's zone, locale and quote order. */
export interface RenderOptions {
  tzOffsetMinutes?: number;
  locale?: string;
  quoteOrder?: QuoteOrder;
}

/** A note rendered through the templates (`render`). */
export interface Rendered {
  markdown: string;
  quotes: RenderedQuote[];
  error: TemplateError | null;
}

export interface RenderedQuote {
  id: string;
  block: string;
}

export interface TemplateError {
  template: 'note' | 'quote';
  message: string;
  line: number;
  column: number;
}

/** A deletion (tombstone): a quote's (with its `note`) or a note's. */
export interface Deleted {
  id: string;
  note?: string;
  at: string;
}

/** The dry run of an import (`import_plan`): what it adds, changes and removes. */
export interface ImportPlan {
  added: NoteChange[];
  changed: NoteChange[];
  removed: Removal[];
  quotesSkipped: number;
  ignored: string[];
  notes: Note[];
  deleted: Deleted[];
}

/** A note an import adds or changes. */
export interface NoteChange {
  id: string;
  title: string;
  url: string;
  quotesAdded: number;
  quotesRemoved: number;
  fields: string[];
}

/** A note (`quote: null`) or a quote an import removes, through the trash. */
export interface Removal {
  note: string;
  title: string;
  quote: string | null;
  text: string | null;
  at: string;
}

/** The folder as the JavaScript read it, for `sync_plan`. */
export interface SyncSnapshot {
  files?: Record<string, string | null>;
  unreadable?: Record<string, string>;
  names?: Record<string, string[]>;
}

/** How to sync (`sync_plan`'s options; the native host's `sync` message). */
export interface SyncOptions {
  templates?: Templates | null;
  pattern?: string | null;
  tzOffsetMinutes?: number;
  restore?: boolean;
  overwrite?: string | null;
  keep?: string | null;
}

/** `sync_plan` asks for these files to be read first. */
export interface SyncNeed {
  need: string[];
}

/** The session planned: the files to write, then the report. */
export interface SyncPlan {
  writes: SyncWrite[];
  state: string | null;
  backup: string | null;
  decisions: ReportEntry[];
  summary: Counts;
}

export type SyncAnswer = SyncNeed | SyncPlan;

/** A file to write; `expect` is the SHA-256 of the file it replaces, `null` for a new one. */
export interface SyncWrite {
  path: string;
  text: string;
  expect: string | null;
}

/** A decision as the extension shows it. */
export interface ReportEntry {
  kind: string;
  path: string | null;
  line: string;
}

export interface Counts {
  appended: number;
  conflict: number;
  created: number;
  skipped: number;
  updated: number;
}

/** What `sync_finish` reads of the plan. */
export interface SyncPlanned {
  state?: string | null;
  decisions?: ReportEntry[];
}

/** The report once written, when some writes failed (`sync_finish`). */
export interface SyncFinished {
  state: string | null;
  decisions: ReportEntry[];
  summary: Counts;
}
