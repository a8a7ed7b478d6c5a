import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { allows, api, type Role } from '../api';
import { ErrorBox, num, useLoad } from '../components/common';
import { Link, navigate } from '../router';
import type { DeadLetterSummary, FlowView, Page } from '../types';
import { BulkDialog } from './errors/BulkDialog';
import { DeadLetterList } from './errors/DeadLetterList';
import { Retries } from './errors/Retries';
import { bulkFilter, FILTERS, TAB_STATES, type BulkAnswer, type Filter, type Filters, type Tab } from './errors/types';

const CLASSES = ['data', 'missing_field', 'duplicate', 'connection', 'rate_limit', 'auth', 'business_rule',
  'lock', 'internal'];
const PAGE = 200;
const TABS: [Tab, string][] = [['open', 'Open'], ['resolved', 'Resolved'], ['retries', 'Retries']];

function tabOf(query: URLSearchParams): Tab {
  const t = query.get('tab');
  if (t === 'resolved' || t === 'retries') {
    return t;
  }
  // Old bookmarks said ?state=resolved or ?state=ignored.
  const state = query.get('state');
  return state === 'resolved' || state === 'ignored' ? 'resolved' : 'open';
}

function listQuery(tab: Exclude<Tab, 'retries'>, filters: Filters, cursor?: string): string {
  const q = new URLSearchParams();
  q.set('state', TAB_STATES[tab].join(','));
  FILTERS.forEach((f) => filters[f].trim() && q.set(f, filters[f].trim()));
  q.set('limit', String(PAGE));
  if (cursor) {
    q.set('cursor', cursor);
  }
  return q.toString();
}

function urlOf(tab: Tab, filters: Filters): string {
  const q = new URLSearchParams();
  if (tab !== 'open') {
    q.set('tab', tab);
  }
  FILTERS.forEach((f) => filters[f].trim() && q.set(f, filters[f].trim()));
  const s = q.toString();
  return s ? `/errors?${s}` : '/errors';
}

/**
 * The Errors page (Celigo-style): Open, Resolved and Retries tabs, filtered by flow, error code, class, record and
 * text — all in the URL, so a view can be bookmarked; the dead letters as a virtualized list paged from the API as
 * you scroll; bulk retry, resolve and ignore by the current filter, confirmed with the server's count.
 */
export function Errors({ query, role = 'viewer' }: { query: URLSearchParams; role?: Role }) {
  const tab = tabOf(query);
  const applied = Object.fromEntries(FILTERS.map((f) => [f, query.get(f) ?? ''])) as Filters;
  const appliedKey = JSON.stringify(applied);
  const [form, setForm] = useState(applied);
  const flows = useLoad(() => api<{ items: FlowView[] }>('GET', '/flows'), []);
  useEffect(() => setForm(JSON.parse(appliedKey) as Filters), [appliedKey]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    navigate(urlOf(tab, form));
  };
  const set = (f: Filter) => (e: { target: { value: string } }) => setForm({ ...form, [f]: e.target.value });

  return (
    <section aria-labelledby="errors-title">
      <h1 id="errors-title">Errors</h1>
      <nav aria-label="Error views" className="tabs">
        <ul>
          {TABS.map(([t, label]) => (
            <li key={t}>
              <Link to={urlOf(t, applied)} aria-current={t === tab ? 'page' : undefined}>{label}</Link>
            </li>
          ))}
        </ul>
      </nav>
      <form className="filters" onSubmit={submit} aria-label="Filter errors">
        <label>
          Flow
          <select value={form.flow} onChange={set('flow')}>
            <option value="">all flows</option>
            {(flows.data?.items ?? []).map((f) => <option key={f.id} value={f.id}>{f.id}</option>)}
          </select>
        </label>
        {tab !== 'retries' && (
          <>
            <label>
              Error code
              <input value={form.code} onChange={set('code')} placeholder="REQUIRED_FIELD_MISSING" />
            </label>
            <label>
              Class
              <select value={form.class} onChange={set('class')}>
                <option value="">any class</option>
                {CLASSES.map((c) => <option key={c} value={c}>{c}</option>)}
              </select>
            </label>
            <label>
              Record key or Salesforce id
              <input value={form.key} onChange={set('key')} />
            </label>
            <label>
              Search
              <input type="search" value={form.q} onChange={set('q')} placeholder="in the message" />
            </label>
          </>
        )}
        <button type="submit">Apply filters</button>
      </form>
      {flows.error ? <ErrorBox error={flows.error} onRetry={flows.reload} /> : null}
      {tab === 'retries'
        ? <Retries flow={applied.flow} role={role} />
        : <DeadLetters tab={tab} filters={applied} filtersKey={appliedKey} role={role} />}
    </section>
  );
}

function DeadLetters({ tab, filters, filtersKey, role }: {
  tab: Exclude<Tab, 'retries'>;
  filters: Filters;
  filtersKey: string;
  role: Role;
}) {
  const [items, setItems] = useState<DeadLetterSummary[]>([]);
  const [total, setTotal] = useState<number | null>(null);
  const [cursor, setCursor] = useState<string | undefined>();
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const [bulk, setBulk] = useState<BulkAnswer['action'] | null>(null);
  const generation = useRef(0);

  const load = useCallback(async (after?: string) => {
    const mine = generation.current;
    setLoading(true);
    try {
      const page = await api<Page<DeadLetterSummary>>('GET',
        `/dead-letters?${listQuery(tab, JSON.parse(filtersKey) as Filters, after)}`);
      if (mine !== generation.current) {
        return;
      }
      setItems((old) => (after ? [...old, ...page.items] : page.items));
      setTotal(page.total);
      setCursor(page.nextCursor);
      setError(null);
    } catch (e) {
      if (mine === generation.current) {
        setError(e);
      }
    } finally {
      if (mine === generation.current) {
        setLoading(false);
      }
    }
  }, [tab, filtersKey]);

  const reload = useCallback(() => {
    generation.current++;
    setItems([]);
    setTotal(null);
    setCursor(undefined);
    void load();
  }, [load]);
  useEffect(reload, [reload]);
  const needMore = useCallback(() => {
    if (cursor && !error) {
      void load(cursor);
    }
  }, [cursor, error, load]);
  const filter = bulkFilter(tab, filters);
  const filterKey = JSON.stringify(filter);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const stableFilter = useCallback(() => JSON.parse(filterKey) as Record<string, string | string[]>, [filterKey]);

  return (
    <>
      {error ? <ErrorBox error={error} onRetry={items.length ? () => void load(cursor) : reload} /> : null}
      {total === null && !error && <p role="status">Loading dead letters…</p>}
      {total !== null && (
        <>
          <div className="list-bar">
            <p role="status">{num(total)} dead letter{total === 1 ? '' : 's'} match.</p>
            {allows(role, 'operator') && total > 0 && (
              <div className="buttons" role="group" aria-label="Bulk actions on every dead letter the filter matches">
                <button type="button" onClick={() => setBulk('retry')}>Retry all matching…</button>
                {tab === 'open' && (
                  <>
                    <button type="button" onClick={() => setBulk('resolve')}>Resolve all matching…</button>
                    <button type="button" onClick={() => setBulk('ignore')}>Ignore all matching…</button>
                  </>
                )}
              </div>
            )}
          </div>
          {items.length === 0
            ? <p>No dead letters match these filters.</p>
            : <DeadLetterList items={items} total={total} hasMore={Boolean(cursor)} loadingMore={loading} onNeedMore={needMore} />}
        </>
      )}
      {bulk && <BulkModal action={bulk} filter={stableFilter} onClose={() => setBulk(null)} onDone={reload} />}
    </>
  );
}

function BulkModal({ action, filter, onClose, onDone }: {
  action: BulkAnswer['action'];
  filter: () => Record<string, string | string[]>;
  onClose: () => void;
  onDone: () => void;
}) {
  // One filter object for the dialog's lifetime: its dry run and its confirmation say the same.
  const [f] = useState(filter);
  return <BulkDialog action={action} filter={f} onClose={onClose} onDone={onDone} />;
}

