import { useState, type FormEvent } from 'react';
import { allows, api, message, type Role } from '../api';
import { ErrorBox, time, useLoad } from '../components/common';
import type { FlowView } from '../types';
import { EMPTY_FORM, formOf, ruleOf, type Firing, type RuleForm, type RulesAnswer, type SentAlertView } from './alerts/types';

const SEVERITIES = ['info', 'warning', 'critical'];
const KEY_LABELS: Record<string, string> = {
  threshold: 'Threshold (above it the rule fires)', window: 'Window (e.g. 15m)', flow: 'Only this flow',
  minEvents: 'Fewest finished records judged', silentFor: 'Silent for (e.g. 30m)', olderThan: 'Waited longer than (e.g. 10m)',
};

function RuleEditor({ rules, editing, onSaved, onCancel }: {
  rules: RulesAnswer;
  editing: RuleForm | null;
  onSaved: (what: string) => void;
  onCancel: () => void;
}) {
  const [form, setForm] = useState<RuleForm>(editing ?? { ...EMPTY_FORM, channels: rules.channels.slice(0, 1) });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const flows = useLoad(() => api<{ items: FlowView[] }>('GET', '/flows'), []);
  const condition = rules.conditions.find((c) => c.name === form.condition);
  const keys = condition?.keys ?? [];
  const set = <K extends keyof RuleForm>(k: K, v: RuleForm[K]) => setForm({ ...form, [k]: v });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const rule = ruleOf(form, condition);
      if (editing) {
        await api('PUT', `/alerts/rules/${encodeURIComponent(editing.name)}`, rule);
        onSaved(`Rule ${editing.name} changed.`);
      } else {
        await api('POST', '/alerts/rules', rule);
        onSaved(`Rule ${form.name.trim()} added.`);
      }
    } catch (err) {
      setError(message(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="rule-form" onSubmit={submit} aria-labelledby="rule-form-title">
      <h3 id="rule-form-title">{editing ? `Change rule ${editing.name}` : 'New rule'}</h3>
      {error && <div className="error" role="alert"><strong>The server refused the rule.</strong> <span>{error}</span></div>}
      <label>
        Name
        <input value={form.name} onChange={(e) => set('name', e.target.value)} disabled={Boolean(editing)} required />
      </label>
      <label>
        Condition
        <select value={form.condition} onChange={(e) => set('condition', e.target.value)}>
          {rules.conditions.map((c) => <option key={c.name} value={c.name}>{c.name} ({c.unit})</option>)}
        </select>
      </label>
      <label>
        Severity
        <select value={form.severity} onChange={(e) => set('severity', e.target.value)}>
          {SEVERITIES.map((s) => <option key={s} value={s}>{s}</option>)}
        </select>
      </label>
      {keys.filter((k) => k !== 'perFlow' && k !== 'flow').map((k) => (
        <label key={k}>
          {KEY_LABELS[k] ?? k}{k === 'threshold' && condition?.thresholdRequired ? ' (required)' : ''}
          <input value={form[k as 'threshold']} inputMode={k === 'threshold' || k === 'minEvents' ? 'decimal' : undefined}
            onChange={(e) => set(k as 'threshold', e.target.value)} />
        </label>
      ))}
      {keys.includes('flow') && (
        <label>
          {KEY_LABELS.flow}
          <select value={form.flow} onChange={(e) => set('flow', e.target.value)}>
            <option value="">all flows</option>
            {(flows.data?.items ?? []).map((f) => <option key={f.id} value={f.id}>{f.id}</option>)}
          </select>
        </label>
      )}
      {keys.includes('perFlow') && (
        <label className="check">
          <input type="checkbox" checked={form.perFlow} onChange={(e) => set('perFlow', e.target.checked)} />
          One alert per flow
        </label>
      )}
      <fieldset>
        <legend>Channels</legend>
        {rules.channels.map((c) => (
          <label key={c} className="check">
            <input type="checkbox" checked={form.channels.includes(c)}
              onChange={(e) => set('channels', e.target.checked ? [...form.channels, c] : form.channels.filter((x) => x !== c))} />
            {c}
          </label>
        ))}
      </fieldset>
      <div className="buttons">
        <button type="submit" disabled={busy}>{editing ? 'Save changes' : 'Add rule'}</button>
        <button type="button" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  );
}

/** The Alerts page: the rules in force (admins add and change the API's own), what fires now, and what was sent. */
export function AlertsPage({ role }: { role: Role }) {
  const rules = useLoad(() => api<RulesAnswer>('GET', '/alerts/rules'), []);
  const firing = useLoad(() => api<{ items: Firing[] }>('GET', '/alerts/firing'), [], 10_000);
  const history = useLoad(() => api<{ items: SentAlertView[] }>('GET', '/alerts/history?limit=100'), [], 10_000);
  const [editor, setEditor] = useState<{ form: RuleForm | null } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const admin = allows(role, 'admin');

  const remove = async (name: string) => {
    setError(null);
    try {
      await api('DELETE', `/alerts/rules/${encodeURIComponent(name)}`);
      setNotice(`Rule ${name} deleted.`);
      rules.reload();
    } catch (e) {
      setError(message(e));
    }
  };
  const test = async (name: string) => {
    setError(null);
    try {
      const sent = await api<SentAlertView>('POST', '/alerts/test', { rule: name });
      setNotice(`Test alert of ${name} ${sent.delivered ? 'delivered' : 'not delivered'}: ${sent.deliveries
        .map((d) => `${d.channel} ${d.detail}`).join('; ')}`);
      history.reload();
    } catch (e) {
      setError(message(e));
    }
  };

  return (
    <section aria-labelledby="alerts-title">
      <h1 id="alerts-title">Alerts</h1>
      {notice && <p role="status" className="notice">{notice}</p>}
      {error && <div className="error" role="alert"><strong>Something went wrong.</strong> <span>{error}</span></div>}
      <section aria-labelledby="rules-title">
        <h2 id="rules-title">Rules</h2>
        {rules.error ? <ErrorBox error={rules.error} onRetry={rules.reload} /> : null}
        {!rules.data && !rules.error && <p role="status">Loading alert rules…</p>}
        {rules.data && !rules.data.enabled && (
          <p>Alerting is off: define <code>alerts.channels</code> in tandem.yaml (rules send to channels by name).</p>
        )}
        {rules.data && rules.data.enabled && (
          <>
            {rules.data.items.length === 0 ? <p>No rules yet.</p> : (
              <table>
                <thead>
                  <tr>
                    <th scope="col">Rule</th>
                    <th scope="col">Severity</th>
                    <th scope="col">Channels</th>
                    <th scope="col">Defined in</th>
                    {allows(role, 'operator') && <th scope="col">Actions</th>}
                  </tr>
                </thead>
                <tbody>
                  {rules.data.items.map((r) => (
                    <tr key={r.name} data-testid={`rule-${r.name}`}>
                      <td>{r.describe}</td>
                      <td><span className={`severity severity-${r.severity}`}>{r.severity}</span></td>
                      <td>{r.channels.join(', ')}</td>
                      <td>{r.source === 'api' ? 'the console / API' : 'tandem.yaml'}</td>
                      {allows(role, 'operator') && (
                        <td><div className="buttons">
                          <button type="button" onClick={() => test(r.name)} aria-label={`Send a test alert of ${r.name}`}>Test</button>
                          {admin && r.source === 'api' && (
                            <>
                              <button type="button" onClick={() => setEditor({ form: formOf(r) })}
                                aria-label={`Change rule ${r.name}`}>Change</button>
                              <button type="button" onClick={() => remove(r.name)} aria-label={`Delete rule ${r.name}`}>Delete</button>
                            </>
                          )}
                        </div></td>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            {admin && !editor && <button type="button" onClick={() => setEditor({ form: null })}>New rule…</button>}
            {admin && editor && (
              <RuleEditor key={editor.form?.name ?? '(new)'} rules={rules.data} editing={editor.form}
                onCancel={() => setEditor(null)}
                onSaved={(what) => { setEditor(null); setNotice(what); rules.reload(); }} />
            )}
          </>
        )}
      </section>
      <section aria-labelledby="firing-title">
        <h2 id="firing-title">Firing now</h2>
        {firing.error ? <ErrorBox error={firing.error} onRetry={firing.reload} /> : null}
        {firing.data && (firing.data.items.length === 0 ? <p>Nothing is firing.</p> : (
          <ul className="firing">
            {firing.data.items.map((f) => (
              <li key={`${f.rule}/${f.flow ?? ''}/${f.source ?? ''}`} data-testid={`firing-${f.rule}`}>
                <strong>{f.rule}</strong>{f.flow ? ` (${f.flow})` : ''}{f.source ? ` (${f.source})` : ''}: {f.summary}{' '}
                <span className="muted">since {time(f.since)}, last sent {time(f.lastSent)}</span>
              </li>
            ))}
          </ul>
        ))}
      </section>
      <section aria-labelledby="history-title">
        <h2 id="history-title">History</h2>
        {history.error ? <ErrorBox error={history.error} onRetry={history.reload} /> : null}
        {history.data && (history.data.items.length === 0 ? <p>No alert was sent yet.</p> : (
          <table>
            <thead>
              <tr>
                <th scope="col">At</th>
                <th scope="col">Rule</th>
                <th scope="col">State</th>
                <th scope="col">Summary</th>
                <th scope="col">Delivery</th>
              </tr>
            </thead>
            <tbody>
              {history.data.items.map((s) => (
                <tr key={s.alert.id}>
                  <td>{time(s.alert.at)}</td>
                  <td>{s.alert.rule}{s.alert.flow ? ` (${s.alert.flow})` : ''}</td>
                  <td>{s.alert.test ? 'test' : s.alert.state.toLowerCase()}</td>
                  <td className="message">{s.alert.summary}</td>
                  <td>{s.deliveries.map((d) => `${d.channel}: ${d.delivered ? '✓' : '✗'} ${d.detail}`).join('; ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
      </section>
    </section>
  );
}

export default AlertsPage;
