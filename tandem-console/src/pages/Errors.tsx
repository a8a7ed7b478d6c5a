import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../api';
import { ErrorBox, num, time, useLoad } from '../components/common';
import { Link, navigate } from '../router';
import type { DeadLetterSummary, FlowView, Page } from '../types';

const STATES = ['open', 'retrying', 'resolved', 'ignored'];
const CLASSES = ['data', 'missing_field', 'duplicate', 'connection', 'rate_limit', 'auth', 'business_rule',
  'lock', 'internal'];
const FILTERS = ['flow', 'state', 'class', 'code', 'key', 'q'] as const;
type Filter = (typeof FILTERS)[number];

function queryOf(filters: Record<Filter, string>, cursor?: string): string {
  const q = new URLSearchParams();
  FILTERS.forEach((f) => {
    if (filters[f].trim()) {
      q.set(f, filters[f].trim());
    }
  });
  q.set('limit', '50');
  if (cursor) {
    q.set('cursor', cursor);
  }
  return q.toString();
}

/** The dead letters, filtered by the URL's query (so a filtered view can be bookmarked and shared). */
export function Errors({ query }: { query: URLSearchParams }) {
  const applied = Object.fromEntries(FILTERS.map((f) => [f, query.get(f) ?? (f === 'state' ? 'open' : '')])) as Record<
    Filter,
    string
  >;
  const key = queryOf(applied);
  const [form, setForm] = useState(applied);
  const [more, setMore] = useState<DeadLetterSummary[]>([]);
  const [cursor, setCursor] = useState<string | undefined>();
  const [moreError, setMoreError] = useState<unknown>(null);
  const flows = useLoad(() => api<{ items: FlowView[] }>('GET', '/flows'), []);
  const list = useLoad(() => api<Page<DeadLetterSummary>>('GET', `/dead-letters?${key}`), [key]);

  useEffect(() => {
    setForm(applied);
    setMore([]);
    setCursor(undefined);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  useEffect(() => setCursor(list.data?.nextCursor), [list.data]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const q = new URLSearchParams();
    FILTERS.forEach((f) => form[f].trim() && q.set(f, form[f].trim()));
    navigate(`/errors?${q.toString()}`);
  };
  const loadMore = async () => {
    try {
      const page = await api<Page<DeadLetterSummary>>('GET', `/dead-letters?${queryOf(applied, cursor)}`);
      setMore([...more, ...page.items]);
      setCursor(page.nextCursor);
    } catch (e) {
      setMoreError(e);
    }
  };
  const set = (f: Filter) => (e: { target: { value: string } }) => setForm({ ...form, [f]: e.target.value });
  const items = [...(list.data?.items ?? []), ...more];

  return (
    <section aria-labelledby="errors-title">
      <h1 id="errors-title">Errors</h1>
      <form className="filters" onSubmit={submit} aria-label="Filter dead letters">
        <label>
          Flow
          <select value={form.flow} onChange={set('flow')}>
            <option value="">all flows</option>
            {(flows.data?.items ?? []).map((f) => (
              <option key={f.id} value={f.id}>
                {f.id}
              </option>
            ))}
          </select>
        </label>
        <label>
          State
          <select value={form.state} onChange={set('state')}>
            <option value="">any state</option>
            {STATES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Class
          <select value={form.class} onChange={set('class')}>
            <option value="">any class</option>
            {CLASSES.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <label>
          Error code
          <input value={form.code} onChange={set('code')} placeholder="REQUIRED_FIELD_MISSING" />
        </label>
        <label>
          Record key or Salesforce id
          <input value={form.key} onChange={set('key')} />
        </label>
        <label>
          Text
          <input value={form.q} onChange={set('q')} placeholder="in the message" />
        </label>
        <button type="submit">Apply filters</button>
      </form>
      {flows.error ? <ErrorBox error={flows.error} onRetry={flows.reload} /> : null}
      {list.error ? <ErrorBox error={list.error} onRetry={list.reload} /> : null}
      {!list.data && !list.error && <p role="status">Loading dead letters…</p>}
      {list.data && (
        <>
          <p role="status">
            {num(list.data.total)} dead letter{list.data.total === 1 ? '' : 's'} match.
          </p>
          <table>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">State</th>
                <th scope="col">Flow</th>
                <th scope="col">Record</th>
                <th scope="col">Code</th>
                <th scope="col">Class</th>
                <th scope="col">Message</th>
                <th scope="col">Attempts</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {items.map((d) => (
                <tr key={d.id} data-testid={`dead-letter-${d.id}`}>
                  <td>
                    <Link to={`/errors/${d.id}`} aria-label={`Dead letter ${d.id}`}>
                      {d.id}
                    </Link>
                  </td>
                  <td>
                    <span className={`state state-${d.state}`}>{d.state}</span>
                  </td>
                  <td>{d.flow}</td>
                  <td>
                    {d.entity} {d.entityKey}
                  </td>
                  <td>
                    <code>{d.errorCode}</code>
                  </td>
                  <td>{d.errorClass}</td>
                  <td className="message">{d.errorMessage}</td>
                  <td>{num(d.attempts)}</td>
                  <td>{time(d.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {items.length === 0 && <p>No dead letters match these filters.</p>}
          {moreError ? <ErrorBox error={moreError} /> : null}
          {cursor && (
            <button type="button" onClick={loadMore}>
              Load more
            </button>
          )}
        </>
      )}
    </section>
  );
}
