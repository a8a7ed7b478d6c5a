// The guided demo (issue 12 item 8): shown when the server runs as `tandem demo`. It explains the data touchpoints,
// shows records moving Clarity → Tandem → Salesforce and back (the newest events with their direction and outcome,
// polled), and offers buttons that act on the sandboxes through the demo-only admin API, so a visitor watches each
// use case and its error handling happen.
import { useState } from 'react';
import { allows, api, type Role } from '../api';
import { ErrorBox, num, time, useLoad } from '../components/common';
import { Link } from '../router';
import type { ActionDone, Activity, ActivityEvent, DemoAction, DemoInfo, DemoSandboxes, Touchpoint } from './demo/types';

const POLL_MS = 2000;

const TOUCHPOINTS: { id: Touchpoint; title: string; text: string }[] = [
  {
    id: 'customer360', title: 'Customer 360',
    text: 'A customer who registers in Clarity becomes a Salesforce Account with its Contact, and their Salesforce '
      + 'ids are written back. A sales rep\'s change in Salesforce comes back to Clarity through Change Data '
      + 'Capture; Tandem\'s own writes coming back are dropped as echoes.',
  },
  {
    id: 'orderToCash', title: 'Order to cash',
    text: 'An order placed in Clarity reaches Tandem by webhook and becomes a Salesforce Order with its items, on '
      + 'the customer\'s account and contact, in one composite call — never twice, even when the webhook is '
      + 'delivered again.',
  },
  {
    id: 'productsInventory', title: 'Products & inventory',
    text: 'Products, prices and stock follow from Clarity into Salesforce (Product2, price book entries, quantity '
      + 'on hand). Add a product, then change its price or its stock; `tandem demo --scenario catalog` runs the '
      + 'catalog flows at scale.',
  },
  {
    id: 'errorHandling', title: 'Error handling',
    text: 'Bad data is dead-lettered with its reason, for an operator to fix and retry on the Errors page. An '
      + 'outage is retried; Tandem pauses the flows that need the system, probes it, and resumes when it is '
      + 'back — nothing lost, nothing duplicated.',
  },
];

const DIRECTION: Record<string, string> = {
  'clarity-to-salesforce': 'Clarity → Salesforce',
  'salesforce-to-clarity': 'Salesforce → Clarity',
};

const OUTCOME_CLASS: Record<string, string> = {
  synced: 'state-resolved', retrying: 'state-retrying', pending: 'state-paused', 'dead-lettered': 'state-open',
};

const OUTAGES: [string, string][] = [['60', 'for a minute'], ['15', 'for 15 seconds'], ['300', 'for 5 minutes']];
/** The actions that break Salesforce for a while (?seconds=), with their duration picker's label. */
const OUTAGE_ACTIONS: Record<string, string> = {
  'break-salesforce': 'How long Salesforce stays broken',
  'slow-salesforce': 'How long Salesforce times out',
};

interface Tracked {
  key: string;
  label: string;
}

export default function DemoPage({ role }: { role: Role }) {
  const info = useLoad(() => api<DemoInfo>('GET', '/demo'), [], POLL_MS);
  if (!info.data) {
    return info.error ? <ErrorBox error={info.error} onRetry={info.reload} /> : <p role="status">Loading the demo…</p>;
  }
  if (!info.data.enabled) {
    return (
      <section aria-labelledby="demo-title">
        <h1 id="demo-title">Guided demo</h1>
        <p>
          The guided demo runs when Tandem is started as <code>tandem demo</code>, with its Clarity and Salesforce
          sandboxes in the same process. This server is connected to real systems, so there is nothing to press
          here. <Link to="/">Go to the dashboard</Link>.
        </p>
      </section>
    );
  }
  return <LiveDemo info={info.data} infoError={info.error} role={role} onActed={info.reload} />;
}

function LiveDemo({ info, infoError, role, onActed }: {
  info: DemoInfo; infoError: unknown; role: Role; onActed: () => void;
}) {
  const activity = useLoad(() => api<Activity>('GET', '/demo/activity?limit=25'), [], POLL_MS);
  const [busy, setBusy] = useState<string | null>(null);
  const [done, setDone] = useState<ActionDone | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [tracked, setTracked] = useState<Tracked | null>(null);
  const [outage, setOutage] = useState('60');
  const canAct = allows(role, 'operator');
  const actions = info.actions ?? [];

  const act = async (a: DemoAction) => {
    setBusy(a.id);
    setActionError(null);
    try {
      const query = OUTAGE_ACTIONS[a.id] ? `?seconds=${outage}` : '';
      const result = await api<ActionDone>('POST', `/demo/actions/${encodeURIComponent(a.id)}${query}`);
      setDone(result);
      if (result.key) {
        setTracked({ key: result.key, label: a.label });
      }
      onActed();
      activity.reload();
    } catch (e) {
      setActionError(e);
    } finally {
      setBusy(null);
    }
  };

  return (
    <section aria-labelledby="demo-title">
      <h1 id="demo-title">Guided demo</h1>
      <p>
        Tandem runs here with a Clarity eCommerce sandbox and a Salesforce sandbox. Press a button to act on one of
        them as its users would, and watch the record travel through Tandem below; the page refreshes every{' '}
        {POLL_MS / 1000} s.
      </p>
      {infoError ? <ErrorBox error={infoError} /> : null}
      <div className="touchpoints">
        {TOUCHPOINTS.map((t) => {
          const mine = actions.filter((a) => a.touchpoint === t.id);
          return (
            <section key={t.id} className="touchpoint" aria-labelledby={`tp-${t.id}`}>
              <h2 id={`tp-${t.id}`}>{t.title}</h2>
              <p>{t.text}</p>
              {mine.length > 0 && canAct ? (
                <ul className="demo-actions">
                  {mine.map((a) => (
                    <li key={a.id}>
                      <button type="button" disabled={busy !== null} onClick={() => act(a)}
                        aria-describedby={`act-${a.id}`}>
                        {busy === a.id ? `${a.label}…` : a.label}
                      </button>
                      {OUTAGE_ACTIONS[a.id] ? (
                        <label className="inline">
                          <span className="sr-only">How long</span>
                          <select value={outage} onChange={(e) => setOutage(e.target.value)} aria-label={OUTAGE_ACTIONS[a.id]}>
                            {OUTAGES.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
                          </select>
                        </label>
                      ) : null}
                      <span id={`act-${a.id}`} className="muted"> {a.description}</span>
                    </li>
                  ))}
                </ul>
              ) : null}
            </section>
          );
        })}
      </div>
      {!canAct ? <p className="notice">You are signed in as a viewer: the buttons need an operator's token.</p> : null}
      <div role="status" aria-live="polite" data-testid="action-result" className={done ? 'notice' : undefined}>
        {done ? done.message : null}
      </div>
      {actionError ? <ErrorBox error={actionError} /> : null}
      <Picture sandboxes={info.sandboxes} activity={activity.data} tracked={tracked} />
      <h2>Records moving</h2>
      {activity.error ? <ErrorBox error={activity.error} onRetry={activity.reload} /> : null}
      {activity.data ? <Events events={activity.data.events} tracked={tracked} /> : <p role="status">Loading the events…</p>}
    </section>
  );
}

/** How Salesforce is broken: 503s, or every answer held past Tandem's timeout. */
function brokenText(faults: DemoSandboxes['salesforce']['faults'] | undefined): string {
  const until = time(faults?.brokenUntil);
  if (faults?.mode === 'timeout') {
    const held = Math.round((faults.latencyMillis ?? 0) / 1000);
    const timeout = Math.round((faults.timeoutMillis ?? 0) / 1000);
    return `timing out: every answer held ${held} s, past Tandem's ${timeout} s timeout, until ${until}`;
  }
  return `broken: 503 to every call until ${until}`;
}

/** Whether Salesforce is broken, Tandem is recovering (paused flows, retries due), or all is well. */
function salesforceState(sandboxes: DemoSandboxes | undefined, activity: Activity | undefined): string {
  if (sandboxes?.salesforce.faults.broken) {
    return 'broken';
  }
  if (activity && (activity.pausedFlows.length > 0 || activity.retriesPending > 0)) {
    return 'recovering';
  }
  return 'healthy';
}

function Picture({ sandboxes, activity, tracked }: {
  sandboxes: DemoSandboxes | undefined; activity: Activity | undefined; tracked: Tracked | null;
}) {
  const events = activity?.events ?? [];
  const count = (o: string) => events.filter((e) => e.outcome === o).length;
  const state = salesforceState(sandboxes, activity);
  const mine = tracked ? events.find((e) => e.entityKey === tracked.key) : undefined;
  return (
    <>
      <h2>Live picture</h2>
      {tracked ? (
        <p className="tracked" data-testid="tracked" data-key={tracked.key} data-outcome={mine?.outcome ?? 'on its way'}>
          {tracked.label}: <strong>{tracked.key}</strong> —{' '}
          <span className={`state ${OUTCOME_CLASS[mine?.outcome ?? 'pending'] ?? 'state-disabled'}`}>
            {mine ? mine.outcome : 'on its way to Tandem'}
          </span>
          {mine?.outcome === 'dead-lettered' ? <> — <Link to={`/errors?key=${encodeURIComponent(tracked.key)}`}>see it on the Errors page</Link></> : null}
        </p>
      ) : null}
      <ol className="pipeline" aria-label="Clarity to Tandem to Salesforce">
        <li className="system">
          <h3>Clarity eCommerce</h3>
          <dl className="facts">
            <dt>Orders</dt><dd data-testid="clarity-orders">{num(sandboxes?.clarity.orders)}</dd>
            <dt>Customers</dt><dd>{num(sandboxes?.clarity.customers)}</dd>
          </dl>
        </li>
        <li className="arrow" aria-hidden="true">⇄</li>
        <li className="system">
          <h3>Tandem</h3>
          <dl className="facts">
            <dt>Synced (newest 25)</dt><dd>{num(count('synced'))}</dd>
            <dt>Retrying</dt><dd data-testid="retrying">{num(count('retrying'))}</dd>
            <dt>Retries due</dt><dd data-testid="retries-pending">{num(activity?.retriesPending)}</dd>
            <dt>Dead-lettered</dt><dd>{num(count('dead-lettered'))}</dd>
          </dl>
          {activity && activity.pausedFlows.length > 0 ? (
            <ul className="paused" data-testid="paused-flows">
              {activity.pausedFlows.map((p) => (
                <li key={p.flow}>
                  <strong>{p.flow}</strong> paused: {p.system} {p.cause.toLowerCase()} since {time(p.since)} ({p.detail})
                </li>
              ))}
            </ul>
          ) : null}
        </li>
        <li className="arrow" aria-hidden="true">⇄</li>
        <li className="system">
          <h3>Salesforce</h3>
          <dl className="facts">
            <dt>Orders</dt><dd data-testid="salesforce-orders">{num(sandboxes?.salesforce.orders)}</dd>
            <dt>Accounts</dt><dd>{num(sandboxes?.salesforce.accounts)}</dd>
            <dt>Contacts</dt><dd>{num(sandboxes?.salesforce.contacts)}</dd>
            <dt>State</dt>
            <dd data-testid="salesforce-state" data-state={state}>
              {state === 'broken' ? brokenText(sandboxes?.salesforce.faults)
                : state === 'recovering' ? 'answering; Tandem is catching up' : 'healthy'}
            </dd>
          </dl>
        </li>
      </ol>
    </>
  );
}

function Events({ events, tracked }: { events: ActivityEvent[]; tracked: Tracked | null }) {
  if (events.length === 0) {
    return <p className="muted">No event yet: press a button above.</p>;
  }
  return (
    <table data-testid="demo-events">
      <thead>
        <tr>
          <th scope="col">Received</th>
          <th scope="col">Direction</th>
          <th scope="col">Event</th>
          <th scope="col">Record</th>
          <th scope="col">Outcome</th>
          <th scope="col">What Tandem did</th>
        </tr>
      </thead>
      <tbody>
        {events.map((e) => (
          <tr key={e.offset} data-testid={`event-${e.offset}`} data-key={e.entityKey}
            className={tracked && tracked.key === e.entityKey ? 'highlight' : undefined}>
            <td>{time(e.receivedAt)}</td>
            <td>{DIRECTION[e.direction] ?? e.direction}</td>
            <td>{e.type} <span className="muted">({e.entity})</span></td>
            <td>{e.entityKey || e.entityId}</td>
            <td><span className={`state ${OUTCOME_CLASS[e.outcome] ?? 'state-disabled'}`}>{e.outcome}</span></td>
            <td className="message">
              {e.flows.length === 0 ? '–' : e.flows.map((f) => `${f.flow}: ${f.decision}${f.detail ? ` (${f.detail})` : ''}`).join('; ')}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
