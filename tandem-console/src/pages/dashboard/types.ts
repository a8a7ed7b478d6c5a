// What the dashboard's charts read from GET /metrics/summary beyond the counts (MetricsApi.java): every bucket of
// the window, the change sources' health and lag, and the org's daily API budget.
import type { MetricsSummary } from '../../types';

export interface Bucket {
  at: string;
  eventsIn: number;
  synced: number;
  skipped: number;
  retried: number;
  deadLettered: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export interface IngestSource {
  name: string;
  system: string;
  state: 'NEW' | 'UP' | 'DEGRADED' | 'FAILED' | 'STOPPED';
  message: string;
  lastEventAt: string | null;
  lagMs: number | null;
  details: Record<string, string>;
}

export interface IngestBucket {
  at: string;
  received: number;
  maxLagMs: number;
  avgLagMs: number;
}

export type ChartSummary = MetricsSummary & {
  overall: MetricsSummary['overall'] & { series?: Bucket[] };
  ingest?: { sources: IngestSource[]; series: Record<string, IngestBucket[]> };
  salesforceApi: MetricsSummary['salesforceApi'] & {
    budget?: { used: number; max: number; percent: number } | null;
  };
};

/** The periods the dashboard offers: the API's window and bucket. */
export const PERIODS = [
  { id: 'hour', label: 'Last hour', window: '1h', bucket: '5m', short: '1 h' },
  { id: 'day', label: 'Last day', window: '24h', bucket: '1h', short: '24 h' },
  { id: 'week', label: 'Last week', window: '7d', bucket: '1h', short: '7 d' },
] as const;

export type Period = (typeof PERIODS)[number];
