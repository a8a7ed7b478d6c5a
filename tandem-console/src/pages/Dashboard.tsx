import { api } from '../api';
import { ErrorBox, num, useLoad } from '../components/common';
import { Link } from '../router';
import type { FlowView, MetricsSummary, Page, Totals } from '../types';

const POLL_MS = 5000;

interface DashboardData {
  summary: MetricsSummary;
  flows: FlowView[];
  retries: number;
}

async function loadDashboard(): Promise<DashboardData> {
  const [summary, flows, retries] = await Promise.all([
    api<MetricsSummary>('GET', '/metrics/summary?window=1h'),
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

/** Overall and per-flow counts of the last hour (the audit trail's numbers), refreshed every 5 s. */
export function Dashboard() {
  const { data, error, reload } = useLoad(loadDashboard, [], POLL_MS);
  if (!data) {
    return error ? <ErrorBox error={error} onRetry={reload} /> : <p role="status">Loading the dashboard…</p>;
  }
  const { summary, flows, retries } = data;
  const o = summary.overall;
  const activeDead = flows.reduce((n, f) => n + f.activeDeadLetters, 0);
  const cards: [string, string, string][] = [
    ['synced', 'Synced (1 h)', num(o.synced)],
    ['skipped', 'Skipped (1 h)', num(o.skipped)],
    ['retried', 'Retried (1 h)', num(o.retried)],
    ['deadLettered', 'Dead-lettered (1 h)', num(o.deadLettered)],
    ['active', 'Dead letters open', num(activeDead)],
    ['retrying', 'Retries pending', num(retries)],
  ];
  return (
    <section aria-labelledby="dashboard-title">
      <h1 id="dashboard-title">Dashboard</h1>
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
      <p className="muted">Counts of the last hour from the audit trail; refreshed every {POLL_MS / 1000} s.</p>
    </section>
  );
}
