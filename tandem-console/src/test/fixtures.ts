import type { DeadLetterDetail, FlowView, MetricsSummary } from '../types';

export const session = (role: 'viewer' | 'operator' | 'admin') => ({
  name: `${role}-token`, role, csrfToken: 'csrf-123', expiresAt: '2030-01-01T00:00:00Z',
});

export const flows: FlowView[] = [
  { id: 'clarity-order-to-salesforce', version: 'abcdef0123456789', state: 'running', committedOffset: 10, backlog: 0,
    pendingRetries: 1, activeDeadLetters: 2 },
  { id: 'clarity-customer-to-salesforce', version: '0123456789abcdef', state: 'paused', committedOffset: 3, backlog: 4,
    pendingRetries: 0, activeDeadLetters: 0,
    lastControl: { action: 'pause', by: 'ops', at: '2026-12-01T10:00:00Z', reason: 'maintenance' } },
  { id: 'clarity-product-to-salesforce', version: '89abcdef01234567', state: 'disabled', committedOffset: 0, backlog: 26,
    pendingRetries: 0, activeDeadLetters: 0 },
];

const totals = (synced: number) => ({ synced, skipped: 1, retried: 2, deadLettered: 3,
  latencyMsAtMost: { p50: 50, p95: 250, p99: null } });

export const summary: MetricsSummary = {
  window: '1h', since: '2026-12-01T09:00:00Z', bucketSeconds: 300,
  flows: { 'clarity-order-to-salesforce': totals(41) },
  overall: totals(41),
  salesforceApi: { callsSinceStart: 20, syncedSinceStart: 41, callsPerSyncedRecord: 0.488 },
};

export const deadLetter: DeadLetterDetail = {
  id: 7, state: 'open', flow: 'clarity-order-to-salesforce', step: 'validate', entity: 'SalesOrder',
  entityKey: 'ORD-7', errorCode: 'REQUIRED_FIELD_MISSING', errorClass: 'missing_field',
  errorMessage: 'Contact LastName is missing', occurrences: 1, attempts: 1, eventOffset: 5,
  createdAt: '2026-12-01T10:00:00Z', updatedAt: '2026-12-01T10:00:00Z', flowVersion: 'abcdef0123456789',
  recordKey: 'SalesOrder:ORD-7',
  response: { status: null, errorCode: 'REQUIRED_FIELD_MISSING', message: 'Contact LastName is missing', fields: ['LastName'] },
  source: { CustomKey: 'ORD-7', User: { Contact: { FirstName: '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">', LastName: '' } } },
  request: null, relatedRecords: [], edit: null, resolution: null,
  history: [{ at: '2026-12-01T10:00:00Z', actor: 'tandem', action: 'dead-lettered', from: null, to: 'open', detail: null }],
};
