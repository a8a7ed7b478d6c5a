import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { api, message, setCsrfToken, setUnauthorizedHandler, type Session } from './api';
import { ErrorBox } from './components/common';
import { Dashboard } from './pages/Dashboard';
import { DeadLetterPage } from './pages/DeadLetter';
import { Errors } from './pages/Errors';
import { Flows } from './pages/Flows';
import { SignIn } from './pages/SignIn';
import { LoadBoundary } from './pages/demo/LoadBoundary';
import { useDemoMode } from './pages/demo/useDemoMode';
import { Link, match, navigate, useLocation } from './router';
import { RecordSearch } from './pages/timeline/RecordSearch';

// The record timeline and alerts pages (issue 12 items 6, 7), loaded when first opened.
const TimelinePage = lazy(() => import('./pages/Timeline'));
const AlertsPage = lazy(() => import('./pages/Alerts'));

// The flow designer (React Flow, rjsf) is its own chunk, loaded when first opened.
const FlowDesigner = lazy(() => import('./pages/FlowDesigner'));

const DemoPage = lazy(() => import('./pages/Demo'));

// The mapping canvas is a page of its own, loaded when first opened (the first load stays small).
const MappingPage = lazy(() => import('./pages/Mapping'));

type State = { kind: 'loading' } | { kind: 'signedOut'; notice?: string } | { kind: 'signedIn'; session: Session };

const NAV: [string, string][] = [
  ['/', 'Dashboard'],
  ['/flows', 'Flows'],
  ['/errors', 'Errors'],
  ['/timeline', 'Timeline'],
  ['/alerts', 'Alerts'],
  ['/demo', 'Demo'],
];

function Page({ session }: { session: Session }) {
  const { path, query } = useLocation();
  if (path === '/') {
    return <Dashboard />;
  }
  if (path === '/flows') {
    return <Flows role={session.role} />;
  }
  if (path === '/errors') {
    return <Errors query={query} role={session.role} />;
  }
  if (path === '/timeline' || path === '/alerts') {
    return (
      <Suspense fallback={<p role="status">Loading the page…</p>}>
        {path === '/timeline' ? <TimelinePage query={query} /> : <AlertsPage role={session.role} />}
      </Suspense>
    );
  }
  const design = match('/flows/:id/design', path);
  if (design) {
    return (
      <Suspense fallback={<p role="status">Loading the flow designer…</p>}>
        <FlowDesigner id={design.id} role={session.role} />
      </Suspense>
    );
  }
  if (path === '/demo') {
    return (
      <LoadBoundary what="demo page">
        <Suspense fallback={<p role="status">Loading the demo…</p>}><DemoPage role={session.role} /></Suspense>
      </LoadBoundary>
    );
  }
  const mapping = match('/flows/:id/mapping', path);
  if (mapping) {
    return (
      <Suspense fallback={<p role="status">Loading the mapping canvas…</p>}>
        <MappingPage id={mapping.id} role={session.role} />
      </Suspense>
    );
  }
  const dl = match('/errors/:id', path);
  if (dl) {
    return <DeadLetterPage id={dl.id} role={session.role} />;
  }
  return (
    <section>
      <h1>Not found</h1>
      <p>
        There is no page at <code>{path}</code> in this console. <Link to="/">Go to the dashboard</Link>.
      </p>
    </section>
  );
}

export function App() {
  const [state, setState] = useState<State>({ kind: 'loading' });
  const [error, setError] = useState<unknown>(null);
  const { path } = useLocation();
  const demoMode = useDemoMode(state.kind === 'signedIn');

  const signedIn = useCallback((session: Session) => {
    setCsrfToken(session.csrfToken);
    setState({ kind: 'signedIn', session });
  }, []);

  useEffect(() => {
    setUnauthorizedHandler(() => {
      setCsrfToken(null);
      setState({ kind: 'signedOut', notice: 'Your session ended; sign in again.' });
    });
    api<Session>('GET', '/session').then(signedIn, (e) => {
      if (e && typeof e === 'object' && 'status' in e && e.status === 401) {
        setState({ kind: 'signedOut' });
      } else {
        setState({ kind: 'signedOut' });
        setError(e);
      }
    });
    return () => setUnauthorizedHandler(null);
  }, [signedIn]);

  const signOut = async () => {
    try {
      await api('DELETE', '/session');
    } catch (e) {
      setError(new Error(`Signing out failed: ${message(e)}`));
      return;
    }
    setCsrfToken(null);
    setState({ kind: 'signedOut', notice: 'Signed out.' });
    navigate('/');
  };

  if (state.kind === 'loading') {
    return <p role="status">Loading the Tandem console…</p>;
  }
  if (state.kind === 'signedOut') {
    return (
      <>
        {error ? <ErrorBox error={error} /> : null}
        <SignIn notice={state.notice} onSignedIn={(s) => { setError(null); signedIn(s); }} />
      </>
    );
  }
  const { session } = state;
  return (
    <>
      <a className="skip" href="#main">Skip to content</a>
      <header>
        <span className="brand">Tandem</span>
        <nav aria-label="Main">
          <ul>
            {NAV.filter(([to]) => to !== '/demo' || demoMode).map(([to, label]) => {
              const current = to === '/' ? path === '/' : path === to || path.startsWith(`${to}/`);
              return (
                <li key={to}>
                  <Link to={to} aria-current={current ? 'page' : undefined}>{label}</Link>
                </li>
              );
            })}
          </ul>
        </nav>
        <RecordSearch />
        <span className="who" data-testid="who">
          {session.name} ({session.role})
        </span>
        <button type="button" onClick={signOut}>Sign out</button>
      </header>
      {error ? <ErrorBox error={error} /> : null}
      <main id="main" tabIndex={-1}>
        <Page session={session} />
      </main>
    </>
  );
}
