import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { api, message } from '../../api';
import { num } from '../../components/common';
import type { BulkAnswer } from './types';

const VERB: Record<BulkAnswer['action'], [string, string]> = {
  retry: ['Retry', 'retried'],
  resolve: ['Resolve', 'resolved'],
  ignore: ['Ignore', 'ignored'],
};

/**
 * A bulk action by filter, confirmed: the server's dry run counts what the filter matches before anything changes
 * (POST /dead-letters/bulk with dryRun true), the operator gives a reason (required to resolve or ignore: it goes
 * into each dead letter's history) and confirms; the answer says how many changed.
 */
export function BulkDialog({ action, filter, onClose, onDone }: {
  action: BulkAnswer['action'];
  filter: Record<string, string | string[]>;
  onClose: () => void;
  onDone: () => void;
}) {
  const [dry, setDry] = useState<BulkAnswer | null>(null);
  const [done, setDone] = useState<BulkAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const title = useRef<HTMLHeadingElement>(null);
  const [verb, past] = VERB[action];
  const needsReason = action !== 'retry';

  const box = useRef<HTMLDivElement>(null);
  // Focus moves into the dialog and, when it closes, back to the button that opened it (WAI-ARIA APG, Dialog
  // (Modal) pattern, https://www.w3.org/WAI/ARIA/apg/patterns/dialog-modal/, "Keyboard Interaction").
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    return () => opener?.focus();
  }, []);
  const keepFocusInside = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === 'Escape') {
      onClose();
      return;
    }
    if (e.key !== 'Tab' || !box.current) {
      return;
    }
    const focusable = [...box.current.querySelectorAll<HTMLElement>('button:not([disabled]), input, [tabindex="-1"]')];
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };

  useEffect(() => {
    title.current?.focus();
    let live = true;
    api<BulkAnswer>('POST', '/dead-letters/bulk', { action, filter, dryRun: true }).then(
      (a) => live && setDry(a),
      (e) => live && setError(message(e)),
    );
    return () => {
      live = false;
    };
  }, [action, filter]);

  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      const a = await api<BulkAnswer>('POST', '/dead-letters/bulk', {
        action, filter, dryRun: false, ...(reason.trim() ? { reason: reason.trim() } : {}),
        // Only what the dry run counted: dead letters that began to match since are left for the next action.
        ...(dry?.upTo ? { upTo: dry.upTo } : {}),
      });
      setDone(a);
      onDone();
    } catch (e) {
      setError(message(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="dialog-backdrop">
      <div role="dialog" aria-modal="true" aria-labelledby="bulk-title" className="dialog" ref={box}
        onKeyDown={keepFocusInside}>
        <h2 id="bulk-title" tabIndex={-1} ref={title}>{verb} by filter</h2>
        <p className="muted">Filter: <code>{JSON.stringify(filter)}</code></p>
        {!dry && !error && <p role="status">Counting what the filter matches…</p>}
        {error && <div className="error" role="alert"><strong>Something went wrong.</strong> <span>{error}</span></div>}
        {dry && !done && (
          <>
            <p role="status" data-testid="bulk-count">
              <strong>{num(dry.matched)}</strong> dead letter{dry.matched === 1 ? '' : 's'} match and will be {past}.
              {dry.truncated ? ' That is more than one bulk action handles; the first ones will be, run it again for the rest.' : ''}
            </p>
            <label htmlFor="bulk-reason">
              Reason {needsReason ? '(required: kept in each dead letter’s history)' : '(optional, kept in the history)'}
            </label>
            <input id="bulk-reason" value={reason} onChange={(e) => setReason(e.target.value)} />
          </>
        )}
        {done && (
          <p role="status" data-testid="bulk-done">
            {num(done.changed)} of {num(done.matched)} dead letter{done.matched === 1 ? '' : 's'} {past}.
            {done.changed < done.matched ? ' The others changed meanwhile (resolved by a success, or retried by someone else).' : ''}
          </p>
        )}
        <div className="buttons">
          {dry && !done && (
            <button type="button" disabled={busy || dry.matched === 0 || (needsReason && reason.trim().length === 0)}
              onClick={confirm}>
              {verb} {num(dry.matched)} dead letter{dry.matched === 1 ? '' : 's'}
            </button>
          )}
          <button type="button" onClick={onClose}>{done ? 'Close' : 'Cancel'}</button>
        </div>
      </div>
    </div>
  );
}
