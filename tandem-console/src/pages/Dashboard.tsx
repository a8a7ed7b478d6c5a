import { useState } from 'react';
import { api } from '../api';
import { ErrorBox, num, useLoad } from '../components/common';
import { Link } from '../router';
import type { FlowView, Page, Totals } from '../types';
import { Charts, IngestHealth } from './dashboard/Charts';
import { PERIODS, type ChartSummary, type Period } from './dashboard/types';

const POLL_MS = 5000;

interface DashboardData {
  summary: ChartSummary;
  flows: FlowView[];
  retries: number;
}

async function loadDashboard(period: Period): Promise<DashboardData> {
  const [summary, flows, retries] = await Promise.all([
    api<ChartSummary>('GET', `/metrics/summary?window=${period.window}&bucket=${period.bucket}`),
    api<{ items: FlowView[] }>('GET', '/flows'),
    api<Page<unknown>>('GET', '/retries?limit=1'),
  ]);
  return { summary, flows: flows.items, retries: retries.total };
}

function latency(t: Totals | undefined): string {
  const l = t?.latencyMsAtMost;
  if (!l || l.p50 === null) {
    return '–';
  }
  const f = (v: number | null) => (v === null ? '> max' : `≤ ${v} ms`);
  return `p50 ${f(l.p50)} · p95 ${f(l.p95)} · p99 ${f(l.p99)}`;
}

/**
 * Overall and per-flow counts of the chosen period (the audit trail's numbers) with their time-series charts,
 * the Salesforce API budget and the ingest sources' health, refreshed every 5 s.
 */
export function Dashboard() {
  const [periodId, setPeriodId] = useState<Period['id']>('hour');
  const period = PERIODS.find((p) => p.id === periodId) ?? PERIODS[0];
  const { data, error, reload } = useLoad(() => loadDashboard(period), [period], POLL_MS);
  const selector = (
    <p className="filters">
      <label>
        Period
        <select value={periodId} onChange={(e) => setPeriodId(e.target.value as Period['id'])}>
          {PERIODS.map((p) => <option key={p.id} value={p.id}>{p.label}</option>)}
        </select>
      </label>
    </p>
  );
  if (!data) {
    return error ? <ErrorBox error={error} onRetry={reload} /> : <p role="status">Loading the dashboard…</p>;
  }
  const { summary, flows, retries } = data;
  const w = period.short;
  const o = summary.overall;
  const activeDead = flows.reduce((n, f) => n + f.activeDeadLetters, 0);
  const cards: [string, string, string][] = [
    ['synced', `Synced (${w})`, num(o.synced)],
    ['skipped', `Skipped (${w})`, num(o.skipped)],
    ['retried', `Retried (${w})`, num(o.retried)],
    ['deadLettered', `Dead-lettered (${w})`, num(o.deadLettered)],
    ['active', 'Dead letters open', num(activeDead)],
    ['retrying', 'Retries pending', num(retries)],
  ];
  return (
    <section aria-labelledby="dashboard-title">
      <h1 id="dashboard-title">Dashboard</h1>
      {selector}
      {error ? <ErrorBox error={error} onRetry={reload} /> : null}
      <ul className="cards" aria-label="Overall">
        {cards.map(([id, label, value]) => (
          <li key={id} className="card" data-testid={`card-${id}`}>
            <span className="value">{value}</span>
            <span className="label">{label}</span>
          </li>
        ))}
      </ul>
      <p>
        Latency (received → settled): {latency(o)}. Salesforce API calls per synced record since start:{' '}
        <strong data-testid="calls-per-record">{summary.salesforceApi.callsPerSyncedRecord}</strong> (
        {num(summary.salesforceApi.callsSinceStart)} calls, {num(summary.salesforceApi.syncedSinceStart)} synced).
      </p>
      <Budget summary={summary} />
      <Charts summary={summary} bucketLabel={bucketLabel(summary.bucketSeconds)} />
      <IngestHealth summary={summary} />
      <h2>Per flow</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Flow</th>
            <th scope="col">State</th>
            <th scope="col">Synced</th>
            <th scope="col">Skipped</th>
            <th scope="col">Retried</th>
            <th scope="col">Dead-lettered</th>
            <th scope="col">Open dead letters</th>
            <th scope="col">Retries pending</th>
            <th scope="col">Backlog</th>
            <th scope="col">Latency</th>
          </tr>
        </thead>
        <tbody>
          {flows.map((f) => {
            const t = summary.flows[f.id];
            return (
              <tr key={f.id} data-testid={`flow-${f.id}`}>
                <th scope="row">{f.id}</th>
                <td>
                  <span className={`state state-${f.state}`}>{f.state}</span>
                </td>
                <td data-col="synced">{num(t?.synced ?? 0)}</td>
                <td>{num(t?.skipped ?? 0)}</td>
                <td>{num(t?.retried ?? 0)}</td>
                <td>{num(t?.deadLettered ?? 0)}</td>
                <td>
                  {f.activeDeadLetters > 0 ? (
                    <Link to={`/errors?flow=${encodeURIComponent(f.id)}`}>{num(f.activeDeadLetters)}</Link>
                  ) : (
                    '0'
                  )}
                </td>
                <td>{num(f.pendingRetries)}</td>
                {/* A disabled flow reads nothing: the log's length is no backlog of its own. */}
                <td data-col="backlog">{f.state === 'disabled' ? '–' : num(f.backlog)}</td>
                <td>{latency(t)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="muted">
        Counts of the {period.label.toLowerCase()} from the audit trail; refreshed every {POLL_MS / 1000} s.
      </p>
    </section>
  );
}

function bucketLabel(seconds: number): string {
  if (seconds % 3600 === 0) {
    return seconds === 3600 ? 'hour' : `${seconds / 3600} hours`;
  }
  return seconds === 60 ? 'minute' : `${seconds / 60} minutes`;
}

/** The org's daily API requests as Salesforce last reported them (Sforce-Limit-Info), as a meter and in words. */
function Budget({ summary }: { summary: ChartSummary }) {
  const b = summary.salesforceApi.budget;
  if (!b) {
    return <p className="muted" data-testid="api-budget">Daily Salesforce API budget: not known until Tandem's first call.</p>;
  }
  return (
    <p data-testid="api-budget">
      <label htmlFor="api-budget-meter">Salesforce API requests used today</label>{' '}
      <meter id="api-budget-meter" min={0} max={b.max} value={b.used} high={b.max * 0.8} optimum={0}>
        {b.percent} %
      </meter>{' '}
      {num(b.used)} of {num(b.max)} ({b.percent} %)
    </p>
  );
}
