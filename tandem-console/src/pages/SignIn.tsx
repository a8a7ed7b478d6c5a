import { useState, type FormEvent } from 'react';
import { api, message, type Session } from '../api';

/** Sign-in with an admin API token; the server answers with a session cookie and the session's CSRF token. */
export function SignIn({ onSignedIn, notice }: { onSignedIn: (s: Session) => void; notice?: string }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (token.trim().length === 0) {
      setError('Paste an API token (tdm_…): `tandem tokens create` makes one, `tandem demo` prints one.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await api<Session>('POST', '/session', { token: token.trim() }));
    } catch (err) {
      setError(message(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="signin">
      <h1>Tandem console</h1>
      {notice && <p className="notice" role="status">{notice}</p>}
      <form onSubmit={submit} aria-label="Sign in">
        <label htmlFor="token">API token</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="off"
          autoFocus
          spellCheck={false}
          value={token}
          onChange={(e) => setToken(e.target.value)}
          placeholder="tdm_…"
        />
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
      </form>
      <p className="muted">
        The token is sent once, to this server; the browser keeps only a session cookie (HttpOnly) that ends when you
        sign out, after 30 minutes without use, or after 8 hours.
      </p>
    </main>
  );
}
