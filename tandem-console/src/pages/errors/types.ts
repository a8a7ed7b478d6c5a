// The answers of the bulk and retries endpoints of /api/v1 (docs/operations.md, /api/v1/openapi.json), as far as
// the Errors page reads them.

export interface BulkAnswer {
  action: 'retry' | 'resolve' | 'ignore';
  dryRun: boolean;
  matched: number;
  changed: number;
  truncated: boolean;
  /** The newest dead letter the dry run counted; sent back so the confirmation changes only those. */
  upTo?: number;
}

export interface PendingRetryView {
  flow: string;
  eventOffset: number;
  attempts: number;
  dueAt: string;
  lastError: string;
}

export type Tab = 'open' | 'resolved' | 'retries';

/** The dead-letter states each list tab shows (Celigo's "Open" and "Resolved" error views). */
export const TAB_STATES: Record<Exclude<Tab, 'retries'>, string[]> = {
  open: ['open', 'retrying'],
  resolved: ['resolved', 'ignored'],
};

/** The filters of the list, as in the URL and as the API's query parameters. */
export const FILTERS = ['flow', 'code', 'class', 'key', 'q'] as const;
export type Filter = (typeof FILTERS)[number];
export type Filters = Record<Filter, string>;

/** The bulk filter for a tab and its filters: the list's query parameters as JSON members. */
export function bulkFilter(tab: Exclude<Tab, 'retries'>, filters: Filters): Record<string, string | string[]> {
  const f: Record<string, string | string[]> = { state: tab === 'open' ? ['open'] : TAB_STATES[tab] };
  FILTERS.forEach((k) => {
    if (filters[k].trim()) {
      f[k] = filters[k].trim();
    }
  });
  return f;
}
