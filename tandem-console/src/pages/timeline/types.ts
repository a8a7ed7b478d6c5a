// GET /api/v1/timeline?key=… (docs/operations.md, "Record timeline"), as the Timeline page reads it.
import type { DeadLetterSummary } from '../../types';

export interface FieldChange {
  from: unknown;
  to: unknown;
}

export interface WrittenRecord {
  entity: string;
  key: string;
  id: string;
  firstWrite: boolean;
  changed: Record<string, FieldChange>;
}

export interface TimelineStep {
  at: string;
  flow: string;
  flowVersion: string;
  step: string;
  decision: string;
  outcome: string;
  request: string | null;
  status: number | null;
  durationMs: number | null;
  detail: string | null;
  written?: Record<string, WrittenRecord>;
}

export interface TimelineEvent {
  offset: number;
  source: string;
  type: string;
  entity: string;
  entityId: string;
  entityKey: string;
  occurredAt: string;
  receivedAt: string;
  steps: TimelineStep[];
}

export interface Timeline {
  query: string;
  links: { objectType: string; sourceKey: string; targetId: string }[];
  events: TimelineEvent[];
  deadLetters: DeadLetterSummary[];
}

/** The direction of an event, in words: where it came from and where its flow writes. */
export function direction(source: string): string {
  const s = source.toLowerCase();
  if (s.startsWith('clarity')) {
    return 'Clarity → Salesforce';
  }
  if (s.startsWith('salesforce')) {
    return 'Salesforce → Clarity';
  }
  return source;
}
