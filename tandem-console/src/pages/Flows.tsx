import { useState } from 'react';
import { allows, api, message, type Role } from '../api';
import { ErrorBox, num, time, useLoad } from '../components/common';
import { Link, navigate } from '../router';
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

  const canDesign = allows(role, 'admin');
  const [template, setTemplate] = useState('');
  const [newId, setNewId] = useState('');
  const [createError, setCreateError] = useState<string | null>(null);
  const create = async () => {
    setCreateError(null);
    try {
      const made = await api<{ id: string }>('POST', '/flows', { template, id: newId.trim() });
      navigate(`/flows/${encodeURIComponent(made.id)}/design`);
    } catch (e) {
      setCreateError(`Could not create ${newId.trim() || 'the flow'}: ${message(e)}`);
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
      {canDesign && (
        <form className="new-flow" aria-label="New flow from template" onSubmit={(e) => { e.preventDefault(); void create(); }}>
          <h2>New flow from template</h2>
          <label htmlFor="new-flow-template">Template</label>{' '}
          <select id="new-flow-template" value={template} onChange={(e) => setTemplate(e.target.value)} required>
            <option value="">choose a shipped flow</option>
            {data.items.map((f) => <option key={f.id} value={f.id}>{f.id}</option>)}
          </select>{' '}
          <label htmlFor="new-flow-id">New id</label>{' '}
          <input id="new-flow-id" value={newId} placeholder="my-order-flow" onChange={(e) => setNewId(e.target.value)} required />{' '}
          <button type="submit" disabled={!template || !newId.trim()}>Create and design</button>
          <span className="muted"> The new flow starts switched off.</span>
          {createError && <p className="error" role="alert">{createError}</p>}
        </form>
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
            <th scope="col">Designer</th>
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
              {/* A disabled flow reads nothing: the log's length is no backlog of its own (as on the dashboard). */}
              <td data-col="backlog">{f.state === 'disabled' ? '–' : num(f.backlog)}</td>
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
              <td>
                <Link to={`/flows/${encodeURIComponent(f.id)}/design`} aria-label={`Design ${f.id}`}>Design</Link>
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
