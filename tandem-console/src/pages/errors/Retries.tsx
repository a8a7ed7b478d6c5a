import { useEffect, useState } from 'react';
import { allows, api, message, type Role } from '../../api';
import { ErrorBox, num, time, useLoad } from '../../components/common';
import type { Page } from '../../types';
import type { PendingRetryView } from './types';

/** The Retries tab: records waiting for an automatic retry, per flow; operators run one now. */
export function Retries({ flow, role }: { flow: string; role: Role }) {
  const query = `/retries?limit=200${flow ? `&flow=${encodeURIComponent(flow)}` : ''}`;
  const list = useLoad(() => api<Page<PendingRetryView>>('GET', query), [query]);
  const [more, setMore] = useState<PendingRetryView[]>([]);
  const [cursor, setCursor] = useState<string | undefined>();
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setMore([]);
    setCursor(list.data?.nextCursor);
  }, [list.data]);

  const runNow = async (r: PendingRetryView) => {
    setError(null);
    setNotice(null);
    try {
      await api('POST', `/retries/${encodeURIComponent(r.flow)}/${r.eventOffset}/run`);
      setNotice(`The retry of event ${r.eventOffset} (${r.flow}) runs now.`);
      list.reload();
    } catch (e) {
      setError(message(e));
    }
  };
  const loadMore = async () => {
    try {
      const page = await api<Page<PendingRetryView>>('GET', `${query}&cursor=${encodeURIComponent(cursor ?? '')}`);
      setMore((m) => [...m, ...page.items]);
      setCursor(page.nextCursor);
    } catch (e) {
      setError(message(e));
    }
  };

  if (list.error) {
    return <ErrorBox error={list.error} onRetry={list.reload} />;
  }
  if (!list.data) {
    return <p role="status">Loading pending retries…</p>;
  }
  const items = [...list.data.items, ...more];
  return (
    <>
      <p role="status">{num(list.data.total)} pending retr{list.data.total === 1 ? 'y' : 'ies'}{flow ? ` in ${flow}` : ''}.</p>
      {notice && <p role="status" className="notice">{notice}</p>}
      {error && <div className="error" role="alert"><strong>Something went wrong.</strong> <span>{error}</span></div>}
      {items.length === 0 ? <p>Nothing is waiting for a retry.</p> : (
        <table>
          <thead>
            <tr>
              <th scope="col">Flow</th>
              <th scope="col">Event</th>
              <th scope="col">Attempts</th>
              <th scope="col">Due</th>
              <th scope="col">Last error</th>
              {allows(role, 'operator') && <th scope="col">Action</th>}
            </tr>
          </thead>
          <tbody>
            {items.map((r) => (
              <tr key={`${r.flow}/${r.eventOffset}`} data-testid={`retry-${r.flow}-${r.eventOffset}`}>
                <td>{r.flow}</td>
                <td>{r.eventOffset}</td>
                <td>{num(r.attempts)}</td>
                <td>{time(r.dueAt)}</td>
                <td className="message">{r.lastError}</td>
                {allows(role, 'operator') && (
                  <td>
                    <button type="button" onClick={() => runNow(r)} aria-label={`Run the retry of event ${r.eventOffset} of ${r.flow} now`}>
                      Run now
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {cursor && <button type="button" onClick={loadMore}>Load more</button>}
    </>
  );
}
