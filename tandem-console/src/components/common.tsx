import { useCallback, useEffect, useRef, useState } from 'react';
import { message } from '../api';

/** A failed call, said in words; never a blank screen. */
export function ErrorBox({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  return (
    <div className="error" role="alert">
      <strong>Something went wrong.</strong> <span>{message(error)}</span>
      {onRetry && (
        <button type="button" className="link" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** A JSON value as text (React escapes it: a record value can never become markup). */
export function JsonView({ value, label }: { value: unknown; label: string }) {
  if (value === null || value === undefined) {
    return <p className="muted">No {label.toLowerCase()}.</p>;
  }
  return (
    <pre className="json" aria-label={label} tabIndex={0}>
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/**
 * Loads {@code load()} now, again when {@code deps} change, and every {@code pollMs} when given. A failed refresh
 * keeps the last data and shows the error beside it.
 */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[], pollMs?: number): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const generation = useRef(0);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const run = useCallback(load, deps);
  const reload = useCallback(() => {
    const mine = ++generation.current;
    setLoading(true);
    run().then(
      (d) => {
        if (mine === generation.current) {
          setData(d);
          setError(null);
          setLoading(false);
        }
      },
      (e) => {
        if (mine === generation.current) {
          setError(e);
          setLoading(false);
        }
      },
    );
  }, [run]);
  useEffect(() => {
    reload();
    if (!pollMs) {
      return undefined;
    }
    const timer = window.setInterval(reload, pollMs);
    return () => window.clearInterval(timer);
  }, [reload, pollMs]);
  return { data, error, loading, reload };
}

export function time(iso: string | null | undefined): string {
  if (!iso) {
    return '–';
  }
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

export function num(n: number | null | undefined): string {
  return n === null || n === undefined ? '–' : n.toLocaleString();
}
