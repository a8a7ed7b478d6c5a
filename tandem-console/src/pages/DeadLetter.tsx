import { useState } from 'react';
import { allows, api, message, type Role } from '../api';
import { ErrorBox, JsonView, num, time, useLoad } from '../components/common';
import { Link } from '../router';
import type { DeadLetterDetail, EditAnswer } from '../types';

const EDIT_TEMPLATE = '{\n  "source": {\n  }\n}\n';

/** Parses the editor's text as an edit: {"source": {...}} and/or {"request": {...}}; the problem in words. */
export function checkEdit(text: string): { edit?: Record<string, unknown>; problem?: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { problem: `Not valid JSON: ${message(e)}` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { problem: 'The edit must be a JSON object such as {"source": {"Field": "value"}}' };
  }
  const keys = Object.keys(value);
  const unknown = keys.filter((k) => k !== 'source' && k !== 'request');
  if (unknown.length > 0) {
    return { problem: `Unknown member ${unknown.map((k) => `"${k}"`).join(', ')}: an edit has "source" and/or "request"` };
  }
  if (keys.length === 0) {
    return { problem: 'The edit is empty: give "source" (fields to override in the record) or "request"' };
  }
  for (const k of keys) {
    const member = (value as Record<string, unknown>)[k];
    if (member === null || typeof member !== 'object' || Array.isArray(member)) {
      return { problem: `"${k}" must be a JSON object` };
    }
  }
  return { edit: value as Record<string, unknown> };
}

function Actions({ d, onChanged }: { d: DeadLetterDetail; onChanged: () => void }) {
  const [reason, setReason] = useState('');
  const [editText, setEditText] = useState(
    d.edit ? JSON.stringify(d.edit, null, 2) : EDIT_TEMPLATE,
  );
  const [result, setResult] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [problems, setProblems] = useState<string[]>([]);
  const [preview, setPreview] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const active = d.state === 'open' || d.state === 'ignored';
  const local = checkEdit(editText);

  const run = async (what: string, call: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      await call();
      setResult(what);
      onChanged();
    } catch (e) {
      setError(message(e));
    } finally {
      setBusy(false);
    }
  };

  const sendEdit = async (dryRun: boolean) => {
    if (!local.edit) {
      return;
    }
    setBusy(true);
    setError(null);
    setResult(null);
    setProblems([]);
    try {
      const answer = await api<EditAnswer>('POST', `/dead-letters/${d.id}/edit`, {
        edit: local.edit,
        dryRun,
        retry: true,
        ...(reason.trim() ? { reason: reason.trim() } : {}),
      });
      setPreview(answer.preview);
      if (dryRun) {
        setResult('The edit is valid; the preview shows what the flow would send.');
      } else {
        setResult('Edited and retried.');
        onChanged();
      }
    } catch (e) {
      setError(message(e));
      // A 422 carries the flow's own problems with the edit.
      setProblems([]);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="actions-title" className="actions-panel">
      <h2 id="actions-title">Actions</h2>
      <label htmlFor="reason">Reason (kept in the history; needed to resolve or ignore)</label>
      <input id="reason" value={reason} onChange={(e) => setReason(e.target.value)} />
      <div className="buttons">
        <button type="button" disabled={busy || d.state === 'retrying' || d.state === 'resolved'}
          onClick={() => run('Retry scheduled.', () => api('POST', `/dead-letters/${d.id}/retry`,
            { mode: 'as-is', ...(reason.trim() ? { reason: reason.trim() } : {}) }))}>
          Retry
        </button>
        <button type="button" disabled={busy || !active || reason.trim().length === 0}
          onClick={() => run('Resolved.', () => api('POST', `/dead-letters/${d.id}/resolve`, { reason: reason.trim() }))}>
          Resolve
        </button>
        <button type="button" disabled={busy || d.state !== 'open' || reason.trim().length === 0}
          onClick={() => run('Ignored.', () => api('POST', `/dead-letters/${d.id}/ignore`, { reason: reason.trim() }))}>
          Ignore
        </button>
      </div>
      <h3>Edit and retry</h3>
      <p className="muted">
        {'{"source": {...}}'} overrides fields of the source record (nested objects merge), {'{"request": {...}}'}{' '}
        replaces the mapped request. The edit is checked here and by the flow before it is sent.
      </p>
      <label htmlFor="edit">Edit (JSON)</label>
      <textarea id="edit" rows={10} spellCheck={false} value={editText}
        aria-invalid={local.problem ? true : undefined} aria-describedby="edit-check"
        onChange={(e) => setEditText(e.target.value)} />
      <p id="edit-check" className={local.problem ? 'error' : 'ok'} role="status">
        {local.problem ?? 'Valid JSON edit.'}
      </p>
      <div className="buttons">
        <button type="button" disabled={busy || !local.edit || !active} onClick={() => sendEdit(true)}>
          Check edit
        </button>
        <button type="button" disabled={busy || !local.edit || !active} onClick={() => sendEdit(false)}>
          Retry with edit
        </button>
      </div>
      {result && <p className="ok" role="status">{result}</p>}
      {error && <p className="error" role="alert">{error}</p>}
      {problems.length > 0 && (
        <ul className="error">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
      {preview !== undefined && <JsonView value={preview} label="Preview of the request" />}
    </section>
  );
}

/** One dead letter with everything known about it; operators act on it. */
export function DeadLetterPage({ id, role }: { id: string; role: Role }) {
  const valid = /^[1-9][0-9]{0,17}$/.test(id);
  const { data: d, error, reload } = useLoad(
    () => (valid ? api<DeadLetterDetail>('GET', `/dead-letters/${id}`) : Promise.reject(new Error(
      `"${id}" is not a dead letter's number`))),
    [id],
  );
  if (!d) {
    return (
      <section>
        <p><Link to="/errors">← Errors</Link></p>
        {error ? <ErrorBox error={error} onRetry={reload} /> : <p role="status">Loading dead letter {id}…</p>}
      </section>
    );
  }
  return (
    <section aria-labelledby="dl-title">
      <p>
        <Link to={`/errors?flow=${encodeURIComponent(d.flow)}`}>← Errors of {d.flow}</Link>
      </p>
      <h1 id="dl-title">
        Dead letter {d.id}: <span className={`state state-${d.state}`} data-testid="dl-state">{d.state}</span>
      </h1>
      {error ? <ErrorBox error={error} onRetry={reload} /> : null}
      <dl className="facts">
        <dt>Flow</dt><dd>{d.flow} (version <code>{d.flowVersion.slice(0, 12)}</code>), step {d.step}</dd>
        <dt>Record</dt><dd data-testid="dl-record">{d.entity} {d.entityKey}{' '}
          {(d.entityKey || d.recordKey) && (
            <Link to={`/timeline?key=${encodeURIComponent(d.entityKey || d.recordKey)}`}>
              Timeline of {d.entityKey || d.recordKey}
            </Link>
          )}</dd>
        <dt>Error</dt><dd><code>{d.errorCode}</code> ({d.errorClass}): <span data-testid="dl-message">{d.errorMessage}</span></dd>
        <dt>Attempts</dt><dd>{num(d.attempts)} attempts, seen {num(d.occurrences)} times</dd>
        <dt>Created / updated</dt><dd>{time(d.createdAt)} / {time(d.updatedAt)}</dd>
        {d.resolution && (<><dt>Resolution</dt><dd>{d.resolution}</dd></>)}
        {d.pendingRetry && (<><dt>Pending retry</dt><dd>due {time(d.pendingRetry.dueAt)}, attempt {d.pendingRetry.attempts}</dd></>)}
      </dl>
      {allows(role, 'operator') && <Actions key={d.id} d={d} onChanged={reload} />}
      <h2>Response</h2>
      <p>
        {d.response.status ? `HTTP ${d.response.status} ` : 'No HTTP answer: '}<code>{d.response.errorCode}</code>: {d.response.message}
        {d.response.fields.length > 0 && <> (fields: {d.response.fields.join(', ')})</>}
      </p>
      <h2>Source record</h2>
      <JsonView value={d.source} label="Source record" />
      <h2>Mapped request</h2>
      <JsonView value={d.request} label="Mapped request" />
      {d.edit ? (<><h2>Kept edit</h2><JsonView value={d.edit} label="Kept edit" /></>) : null}
      <h2>Event</h2>
      {d.event ? (
        <p>
          {d.event.type} of {d.event.entity} {d.event.entityKey} from {d.event.source}, offset {d.event.offset},
          received {time(d.event.receivedAt)}
        </p>
      ) : (
        <p className="muted">The event is no longer in the log (retention).</p>
      )}
      <h2>History</h2>
      <table>
        <thead>
          <tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">Action</th><th scope="col">State</th><th scope="col">Detail</th></tr>
        </thead>
        <tbody>
          {d.history.map((h, i) => (
            <tr key={i}>
              <td>{time(h.at)}</td><td>{h.actor}</td><td>{h.action}</td>
              <td>{h.from ? `${h.from} → ${h.to}` : h.to}</td><td>{h.detail}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
