// The dashboard's time-series charts and the ingest sources' health, from GET /metrics/summary (MetricsApi.java).
import { useMemo } from 'react';
import { num, time } from '../../components/common';
import { TimeChart, type ChartSeries } from './TimeChart';
import type { ChartSummary } from './types';

const ms = (v: number | null) => (v === null || v === undefined ? '–' : `${v.toLocaleString()} ms`);

/** Events in / synced / retrying / dead-lettered per bucket, the latency percentiles, and the ingest lag. */
export function Charts({ summary, bucketLabel }: { summary: ChartSummary; bucketLabel: string }) {
  const buckets = summary.overall.series;
  const ingest = summary.ingest;
  const charts = useMemo(() => {
    const series = buckets ?? [];
    const times = series.map((b) => b.at);
    const events: ChartSeries[] = [
      { name: 'Events in', values: series.map((b) => b.eventsIn), color: '#5470c6' },
      { name: 'Synced', values: series.map((b) => b.synced), color: '#2e8b57' },
      { name: 'Retrying', values: series.map((b) => b.retried), color: '#d4a017' },
      { name: 'Dead-lettered', values: series.map((b) => b.deadLettered), color: '#c0392b' },
    ];
    const latency: ChartSeries[] = [
      { name: 'p50', values: series.map((b) => b.p50) },
      { name: 'p95', values: series.map((b) => b.p95) },
      { name: 'p99', values: series.map((b) => b.p99) },
    ];
    const systems = Object.entries(ingest?.series ?? {});
    const lagTimes = systems.length > 0 ? systems[0][1].map((b) => b.at) : [];
    const lag: ChartSeries[] = systems.map(([system, s]) => ({
      name: system === 'salesforce' ? 'Salesforce (CDC)' : system === 'clarity' ? 'Clarity (webhook/poller)' : system,
      values: s.map((b) => (b.received > 0 ? b.maxLagMs : null)),
    }));
    return { times, events, latency, lagTimes, lag };
  }, [buckets, ingest]);
  if (!buckets) {
    return <p className="muted">This server does not report time series (an older Tandem).</p>;
  }
  return (
    <div className="charts">
      <TimeChart testId="chart-events" title={`Events per ${bucketLabel}`} unit="events" times={charts.times}
        series={charts.events} />
      <TimeChart testId="chart-latency" title={`Latency, received → settled (upper bounds) per ${bucketLabel}`}
        unit="ms" times={charts.times} series={charts.latency} format={ms} />
      {charts.lag.length > 0 ? (
        <TimeChart testId="chart-lag" title={`Ingest lag (change → received, slowest event) per ${bucketLabel}`}
          unit="ms" times={charts.lagTimes} series={charts.lag} format={ms} />
      ) : null}
    </div>
  );
}

const STATE_CLASS: Record<string, string> = { UP: 'state-running', DEGRADED: 'state-paused', FAILED: 'state-open' };

/** Each change source (webhook, poller, CDC): its state, its system's last event and how late it came. */
export function IngestHealth({ summary }: { summary: ChartSummary }) {
  const sources = summary.ingest?.sources;
  if (!sources) {
    return null;
  }
  return (
    <>
      <h2>Ingest sources</h2>
      {sources.length === 0 ? <p className="muted">No change source runs.</p> : (
        <table data-testid="ingest-sources">
          <thead>
            <tr>
              <th scope="col">Source</th>
              <th scope="col">State</th>
              <th scope="col">Last event of its system</th>
              <th scope="col">Lag (latest)</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {sources.map((s) => (
              <tr key={s.name} data-testid={`source-${s.name}`}>
                <th scope="row">{s.name}</th>
                <td><span className={`state ${STATE_CLASS[s.state] ?? 'state-disabled'}`}>{s.state}</span></td>
                <td>{time(s.lastEventAt)}</td>
                <td>{s.lagMs === null ? '–' : `${num(s.lagMs)} ms`}</td>
                <td className="message">
                  {[s.message, ...Object.entries(s.details).map(([k, v]) => `${k}: ${v}`)].filter(Boolean).join('; ') || '–'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
