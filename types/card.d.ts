// The card's page script (extension/card-host.js), as the worker's injected call reaches
// it in the page's isolated world. Not shipped.

interface QuotebookCardOrder {
  colors: Record<string, string>;
  card: { id?: string; status: string; reason?: string } | null;
  tabId: number;
  key: string;
  cardUrl: string;
}

declare var quotebookCard: {
  start(order: QuotebookCardOrder): Promise<{ id: string; status: string }[]>;
  close(): void;
} | undefined;
