// The admin API's answers, as far as the console reads them (docs/operations.md, /api/v1/openapi.json).

export interface Totals {
  synced: number;
  skipped: number;
  retried: number;
  deadLettered: number;
  latencyMsAtMost: { p50: number | null; p95: number | null; p99: number | null };
}

export interface MetricsSummary {
  window: string;
  since: string;
  bucketSeconds: number;
  flows: Record<string, Totals>;
  overall: Totals;
  salesforceApi: { callsSinceStart: number; syncedSinceStart: number; callsPerSyncedRecord: number };
}

export interface FlowView {
  id: string;
  version: string;
  state: 'running' | 'paused' | 'disabled';
  lastControl?: { action: string; by: string; at: string; reason: string | null };
  committedOffset: number;
  backlog: number;
  pendingRetries: number;
  activeDeadLetters: number;
}

export interface Page<T> {
  items: T[];
  total: number;
  nextCursor?: string;
}

export interface DeadLetterSummary {
  id: number;
  state: 'open' | 'retrying' | 'resolved' | 'ignored';
  flow: string;
  step: string;
  entity: string;
  entityKey: string;
  errorCode: string;
  errorClass: string;
  errorMessage: string;
  occurrences: number;
  attempts: number;
  eventOffset: number;
  createdAt: string;
  updatedAt: string;
}

export interface HistoryEntry {
  at: string;
  actor: string;
  action: string;
  from: string | null;
  to: string;
  detail: string | null;
}

export interface DeadLetterDetail extends DeadLetterSummary {
  flowVersion: string;
  recordKey: string;
  response: { status: number | null; errorCode: string; message: string; fields: string[] };
  source: unknown;
  request: unknown;
  relatedRecords: string[];
  edit: unknown;
  resolution: string | null;
  event?: {
    offset: number;
    source: string;
    sourceEventId: string;
    type: string;
    entity: string;
    entityId: string;
    entityKey: string;
    occurredAt: string;
    receivedAt: string;
    payload: unknown;
  };
  history: HistoryEntry[];
  pendingRetry?: { flow: string; eventOffset: number; attempts: number; dueAt: string; lastError: string };
}

export interface EditAnswer {
  valid: boolean;
  problems: string[];
  preview: unknown;
  deadLetter?: DeadLetterDetail;
}
