// Declarations tsc needs for the extension (tsconfig.json) and the DOM typings lack. Not
// shipped: the build copies only extension/.

/** The File System Access API's folder picker (Chromium; absent in Firefox). */
declare function showDirectoryPicker(options?: {
  id?: string;
  mode?: 'read' | 'readwrite';
}): Promise<FileSystemDirectoryHandle>;

/** extension/page-text.js: the page's visible text, shared by the injected scripts. */
interface QuotebookPageText {
  BLOCKS: Set<string>;
  INVISIBLE: Set<string>;
  read(
    watched?: Map<Node, { enter?: number; exit?: number; index?: number }>,
    doc?: Document,
  ): { text: string; nodes: { node: Text; start: number }[] };
}

/** A quote to paint: `[start, end)` of the page text, UTF-16 units. */
interface QuotebookPaint {
  id: string;
  kind: string;
  start: number;
  end: number;
}

/** extension/highlight.js: saved quotes painted in the page (see the file's header). */
interface QuotebookHighlights {
  mode: 'highlight-api' | 'wrap';
  refresh(): Promise<(QuotebookPaint & { status: string })[]>;
  paint(anchors: QuotebookPaint[], page?: { nodes: { node: Text; start: number }[] }): number;
  clear(): void;
  stop(): void;
  rectOf(id: string): DOMRect | null;
  onClick(callback: (id: string, rect: DOMRect) => void): void;
  setColors(colors: Record<string, string>): void;
}

// eslint-disable-next-line no-var
declare var quotebookPageText: QuotebookPageText;
// eslint-disable-next-line no-var
declare var quotebookHighlights: QuotebookHighlights;
