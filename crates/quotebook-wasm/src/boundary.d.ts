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
  /** Left out when the quote has no image. */
  images?: ImageRef[];
}

/**
 * An image of a quote. `url` is its destination in `markdown`: the image's absolute URL, or
 * `quotebook-image:<hash>` for one that came as a `data:` URL. `hash` is set once its bytes
 * are kept (stored under it); `error` (`code: message`) says why they are not.
 */
export interface ImageRef {
  url: string;
  alt: string;
  caption: string;
  name: string;
  hash: string | null;
  mime: string | null;
  width: number | null;
  height: number | null;
  size: number | null;
  error: string | null;
}

/** Bytes recognised as an image (`image_inspect`). */
export interface ImageInfo {
  hash: string;
  mime: string;
  width: number;
  height: number;
  size: number;
  extension: string;
}

/** Bytes to store under their hash. */
export interface ImageBytes {
  hash: string;
  mime: string;
  bytes: Uint8Array;
}

/** A save's note, and the bytes of the images it took from `data:` URLs. */
export interface Clipped {
  note: Note;
  /** What became of each range: saved, or already a quote of the note. */
  quotes: ClippedQuote[];
  images: ImageBytes[];
}

/** "Save image to note" (`image_clip`). */
export interface ImageClipRequest {
  url?: string;
  title?: string;
  canonical?: string | null;
  metaHtml?: string | null;
  incognito?: boolean;
  src?: string;
  alt?: string;
  caption?: string;
  now?: string;
  quoteId?: string;
  comment?: string;
  tags?: string[];
  allowPrivate?: boolean;
  position?: number | null;
  former?: Note[];
}

/** What fetching one image gave (`attach_images`): its `info`, or why not. */
export interface ImageFetched {
  url?: string;
  info?: ImageInfo | null;
  error?: string | null;
}

/** `attach_images`: the note, the hashes it keeps, the images refused and why. */
export interface Attached {
  note: Note;
  kept: string[];
  refused: ImageRefused[];
}

export interface ImageRefused {
  url: string;
  error: string;
}

/** A kept image an export writes beside the notes (`attachment_files`). */
export interface AttachmentFile {
  path: string;
  hash: string;
  mime: string;
}

export type Embed = 'obsidian' | 'commonmark';

/** How kept images are embedded (`RenderOptions.images`). */
export interface ImageOptions {
  keep?: boolean;
  folder?: string;
  embed?: Embed;
  noteFolder?: string;
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
  images?: ImageOptions;
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

/** A name of the template reference, with its example rendered (`template_reference`). */
export interface ReferenceItem {
  name: string;
  kind: 'variable' | 'filter' | 'test' | 'function';
  scope: 'both' | 'note' | 'quote';
  example: string;
  output: string;
}

/** Names each template uses that it cannot see (`template_unknown_names`). */
export interface UnknownNames {
  note: string[];
  quote: string[];
}

/** A piece of a text cut at a search's words (`mark_text`): shown as is, or marked. */
export interface Segment {
  text: string;
  mark: boolean;
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
  settings: FileSettings | null;
  notes: Note[];
  deleted: Deleted[];
  /** The images the backup carried that the notes keep: store each under its hash. */
  images: ImageBytes[];
}

/** The reader's settings that shape files, carried by a backup. */
export interface FileSettings {
  templates: Templates;
  fileNamePattern: string;
  tzOffsetMinutes: number;
  locale: string;
  quoteOrder: QuoteOrder;
  /** Absent from backups written before images were kept. */
  images?: ImageOptions | null;
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
  locale?: string;
  quoteOrder?: QuoteOrder;
  restore?: boolean;
  overwrite?: string | null;
  keep?: string | null;
  images?: ImageOptions;
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
  /** Kept images to write from the store, each only where no file is. */
  attachments: AttachmentFile[];
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
  reasons?: ReasonEntry[];
  pending?: number;
}

/** Why a file is in conflict: a quote `deleted` or `changed` (named by its words), or the `header`. */
export interface ReasonEntry {
  kind: 'deleted' | 'changed' | 'header';
  words: string;
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
