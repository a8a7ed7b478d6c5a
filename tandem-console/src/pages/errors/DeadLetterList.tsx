import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import { num, time } from '../../components/common';
import { Link } from '../../router';
import type { DeadLetterSummary } from '../../types';

/** One row's height in px (fixed: the message is cut to one line, the detail page has all of it). */
export const ROW_HEIGHT = 44;

/**
 * The dead letters as a virtualized list (@tanstack/react-virtual, https://tanstack.com/virtual/latest/docs/api/virtualizer):
 * only the rows in view (plus a few) are in the DOM, so 100,000 stay smooth. When the rows near the end come into
 * view and the server has more ({@code hasMore}), {@code onNeedMore} asks for the next page.
 */
export function DeadLetterList({ items, total, hasMore, loadingMore, onNeedMore }: {
  items: DeadLetterSummary[];
  total: number;
  hasMore: boolean;
  loadingMore: boolean;
  onNeedMore: () => void;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: items.length + (hasMore ? 1 : 0),
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
    initialRect: { width: 1000, height: 600 },
  });
  const rows = virtualizer.getVirtualItems();
  const last = rows.length > 0 ? rows[rows.length - 1].index : -1;

  useEffect(() => {
    if (hasMore && !loadingMore && last >= items.length - 20) {
      onNeedMore();
    }
  }, [hasMore, loadingMore, last, items.length, onNeedMore]);

  return (
    <div className="dl-list">
      <div className="dl-row dl-head" aria-hidden="true">
        <span>#</span>
        <span>State</span>
        <span>Flow</span>
        <span>Record</span>
        <span>Code</span>
        <span>Message</span>
        <span>Attempts</span>
        <span>Updated</span>
      </div>
      <div ref={scroller} className="dl-scroll" tabIndex={0} aria-label={`Dead letters, ${num(items.length)} of ${num(total)} loaded`}
        data-testid="dead-letter-scroller">
        <ul style={{ height: virtualizer.getTotalSize() }} className="dl-body" aria-label="Dead letters">
          {rows.map((row) => {
            const d = items[row.index];
            if (!d) {
              return (
                <li key="more" className="dl-row dl-more" style={{ transform: `translateY(${row.start}px)` }}>
                  {loadingMore ? 'Loading more…' : 'More below'}
                </li>
              );
            }
            return (
              <li key={d.id} className="dl-row" data-testid={`dead-letter-${d.id}`} aria-setsize={total}
                aria-posinset={row.index + 1} style={{ transform: `translateY(${row.start}px)` }}>
                <span>
                  <Link to={`/errors/${d.id}`} aria-label={`Dead letter ${d.id}`}>{d.id}</Link>
                </span>
                <span><span className={`state state-${d.state}`}>{d.state}</span></span>
                <span title={d.flow}>{d.flow}</span>
                <span title={`${d.entity} ${d.entityKey}`}>{d.entity} {d.entityKey}</span>
                <span><code>{d.errorCode}</code></span>
                <span className="message" title={d.errorMessage}>{d.errorMessage}</span>
                <span>{num(d.attempts)}</span>
                <span>{time(d.updatedAt)}</span>
              </li>
            );
          })}
        </ul>
      </div>
    </div>
  );
}
