import { useState } from 'react';
import { allows, api, message, type Role } from '../api';
import { ErrorBox, num, time, useLoad } from '../components/common';
import { Link } from '../router';
import type { FlowView } from '../types';

/** Every loaded flow with its state; operators and admins pause and resume. */
export function Flows({ role }: { role: Role }) {
  const { data, error, reload } = useLoad(() => api<{ items: FlowView[] }>('GET', '/flows'), [], 10000);
  const [busy, setBusy] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [reasons, setReasons] = useState<Record<string, string>>({});
  const canAct = allows(role, 'operator');

  const act = async (flow: FlowView, action: 'pause' | 'resume') => {
    setBusy(flow.id);
    setActionError(null);
    try {
      const reason = reasons[flow.id]?.trim();
      await api('POST', `/flows/${encodeURIComponent(flow.id)}/${action}`, reason ? { reason } : {});
      setReasons({ ...reasons, [flow.id]: '' });
      reload();
    } catch (e) {
      setActionError(`Could not ${action} ${flow.id}: ${message(e)}`);
    } finally {
      setBusy(null);
    }
  };

  if (!data) {
    return error ? <ErrorBox error={error} onRetry={reload} /> : <p role="status">Loading flows…</p>;
  }
  return (
    <section aria-labelledby="flows-title">
      <h1 id="flows-title">Flows</h1>
      {error ? <ErrorBox error={error} onRetry={reload} /> : null}
      {actionError && (
        <p className="error" role="alert">
          {actionError}
        </p>
      )}
      <table>
        <thead>
          <tr>
            <th scope="col">Flow</th>
            <th scope="col">State</th>
            <th scope="col">Version</th>
            <th scope="col">Backlog</th>
            <th scope="col">Retries pending</th>
            <th scope="col">Open dead letters</th>
            <th scope="col">Last pause/resume</th>
            {canAct && <th scope="col">Action</th>}
          </tr>
        </thead>
        <tbody>
          {data.items.map((f) => (
            <tr key={f.id} data-testid={`flow-${f.id}`}>
              <th scope="row">
                {f.id}{' '}
                <Link to={`/flows/${encodeURIComponent(f.id)}/mapping`} aria-label={`Mapping of ${f.id}`}>Mapping</Link>
              </th>
              <td>
                <span className={`state state-${f.state}`}>{f.state}</span>
              </td>
              <td>
                <code title={f.version}>{f.version.slice(0, 12)}</code>
              </td>
              <td>{num(f.backlog)}</td>
              <td>{num(f.pendingRetries)}</td>
              <td>
                <Link to={`/errors?flow=${encodeURIComponent(f.id)}`}>{num(f.activeDeadLetters)}</Link>
              </td>
              <td>
                {f.lastControl
                  ? `${f.lastControl.action} by ${f.lastControl.by}, ${time(f.lastControl.at)}${
                      f.lastControl.reason ? ` (${f.lastControl.reason})` : ''
                    }`
                  : '–'}
              </td>
              {canAct && (
                <td className="actions">
                  {f.state === 'disabled' ? (
                    <span className="muted">disabled in its file or config</span>
                  ) : (
                    <>
                      <label className="sr-only" htmlFor={`reason-${f.id}`}>
                        Reason for {f.id}
                      </label>
                      <input
                        id={`reason-${f.id}`}
                        placeholder="reason (optional)"
                        value={reasons[f.id] ?? ''}
                        onChange={(e) => setReasons({ ...reasons, [f.id]: e.target.value })}
                      />
                      <button type="button" disabled={busy === f.id}
                        onClick={() => act(f, f.state === 'paused' ? 'resume' : 'pause')}>
                        {f.state === 'paused' ? 'Resume' : 'Pause'} {f.id}
                      </button>
                    </>
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
