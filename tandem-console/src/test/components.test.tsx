import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { setCsrfToken, CSRF_HEADER } from '../api';
import { App } from '../App';
import { Dashboard } from '../pages/Dashboard';
import { checkEdit, DeadLetterPage } from '../pages/DeadLetter';
import { Flows } from '../pages/Flows';
import { deadLetter, flows, session, summary } from './fixtures';
import { mockApi } from './fetchMock';

beforeEach(() => {
  vi.unstubAllGlobals();
  setCsrfToken(null);
});

describe('sign-in', () => {
  it('shows the sign-in form without a session and signs in with a token', async () => {
    const calls = mockApi({
      'GET /session': { status: 401, body: { title: 'Unauthorized', detail: 'no session' } },
      'POST /session': { status: 201, body: session('operator') },
      'GET /metrics/summary': { body: summary },
      'GET /flows': { body: { items: flows } },
      'GET /retries': { body: { items: [], total: 1 } },
    });
    render(<App />);
    const input = await screen.findByLabelText('API token');
    await userEvent.type(input, 'tdm_secret');
    await userEvent.keyboard('{Enter}');
    expect(await screen.findByTestId('who')).toHaveProperty('textContent', 'operator-token (operator)');
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ token: 'tdm_secret' });
    await screen.findByRole('heading', { name: 'Dashboard' });
  });

  it('says why a token was refused', async () => {
    mockApi({
      'GET /session': { status: 401, body: { title: 'Unauthorized' } },
      'POST /session': { status: 401, body: { title: 'Unauthorized', detail: 'the API token is malformed, unknown or revoked' } },
    });
    render(<App />);
    await userEvent.type(await screen.findByLabelText('API token'), 'nope{Enter}');
    expect((await screen.findByRole('alert')).textContent).toContain('the API token is malformed, unknown or revoked');
  });

  it('asks for a token instead of sending an empty one', async () => {
    const calls = mockApi({ 'GET /session': { status: 401, body: {} } });
    render(<App />);
    await userEvent.click(await screen.findByRole('button', { name: 'Sign in' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Paste an API token');
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0);
  });

  it('signs out with the CSRF token and returns to the sign-in form', async () => {
    const calls = mockApi({
      'GET /session': { body: session('viewer') },
      'DELETE /session': { status: 204 },
      'GET /metrics/summary': { body: summary },
      'GET /flows': { body: { items: flows } },
      'GET /retries': { body: { items: [], total: 0 } },
    });
    render(<App />);
    await userEvent.click(await screen.findByRole('button', { name: 'Sign out' }));
    expect(await screen.findByText('Signed out.')).toBeTruthy();
    expect(calls.find((c) => c.method === 'DELETE')?.headers[CSRF_HEADER]).toBe('csrf-123');
  });

  it('is keyboard navigable: the main links are reached with Tab and followed with Enter', async () => {
    mockApi({
      'GET /session': { body: session('viewer') },
      'GET /metrics/summary': { body: summary },
      'GET /flows': { body: { items: flows } },
      'GET /retries': { body: { items: [], total: 0 } },
    });
    render(<App />);
    await screen.findByRole('heading', { name: 'Dashboard' });
    await userEvent.tab(); // skip link
    await userEvent.tab();
    await userEvent.tab();
    expect(document.activeElement?.textContent).toBe('Flows');
    await userEvent.keyboard('{Enter}');
    expect(await screen.findByRole('heading', { name: 'Flows' })).toBeTruthy();
    expect(window.location.pathname).toBe('/flows');
  });
});

describe('dashboard', () => {
  it('shows the overall and per-flow counts', async () => {
    mockApi({
      'GET /metrics/summary': { body: summary },
      'GET /flows': { body: { items: flows } },
      'GET /retries': { body: { items: [], total: 1 } },
    });
    render(<Dashboard />);
    expect((await screen.findByTestId('card-synced')).textContent).toContain('41');
    expect(screen.getByTestId('card-active').textContent).toContain('2');
    expect(screen.getByTestId('card-retrying').textContent).toContain('1');
    const row = screen.getByTestId('flow-clarity-order-to-salesforce');
    expect(within(row).getByText('running')).toBeTruthy();
    expect(row.querySelector('[data-col="synced"]')?.textContent).toBe('41');
    expect(row.querySelector('[data-col="backlog"]')?.textContent).toBe('0');
    const paused = screen.getByTestId('flow-clarity-customer-to-salesforce');
    expect(paused.querySelector('[data-col="backlog"]')?.textContent).toBe('4');
    // A disabled flow reads nothing, so the log's length is not shown as its backlog.
    const disabled = screen.getByTestId('flow-clarity-product-to-salesforce');
    expect(disabled.querySelector('[data-col="backlog"]')?.textContent).toBe('–');
  });

  it('shows a failed call as a readable message, not a blank page', async () => {
    mockApi({
      'GET /metrics/summary': { status: 500, body: { title: 'Internal error', detail: 'Tandem failed to handle the request; see the server log' } },
      'GET /flows': { body: { items: flows } },
      'GET /retries': { body: { items: [], total: 0 } },
    });
    render(<Dashboard />);
    expect((await screen.findByRole('alert')).textContent).toContain('Internal error: Tandem failed to handle the request');
  });

  it('says when the server cannot be reached', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => { throw new TypeError('Failed to fetch'); }));
    render(<Dashboard />);
    expect((await screen.findByRole('alert')).textContent).toContain('Tandem cannot be reached');
  });
});

describe('flows', () => {
  it('offers no pause or resume to a viewer', async () => {
    mockApi({ 'GET /flows': { body: { items: flows } } });
    render(<Flows role="viewer" />);
    await screen.findByTestId('flow-clarity-order-to-salesforce');
    expect(screen.queryByRole('button', { name: /Pause|Resume/ })).toBeNull();
  });

  it('shows no backlog for a disabled flow, which reads nothing', async () => {
    mockApi({ 'GET /flows': { body: { items: flows } } });
    render(<Flows role="viewer" />);
    const running = await screen.findByTestId('flow-clarity-order-to-salesforce');
    expect(running.querySelector('[data-col="backlog"]')?.textContent).toBe('0');
    const disabled = screen.getByTestId('flow-clarity-product-to-salesforce');
    expect(disabled.querySelector('[data-col="backlog"]')?.textContent).toBe('–');
  });

  it('pauses a flow for an operator, with the CSRF header and the reason', async () => {
    setCsrfToken('csrf-abc');
    const calls = mockApi({
      'GET /flows': { body: { items: flows } },
      'POST /flows/clarity-order-to-salesforce/pause': { body: flows[0] },
    });
    render(<Flows role="operator" />);
    await userEvent.type(await screen.findByLabelText('Reason for clarity-order-to-salesforce'), 'deploy');
    await userEvent.click(screen.getByRole('button', { name: 'Pause clarity-order-to-salesforce' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'POST')).toBe(true));
    const post = calls.find((c) => c.method === 'POST')!;
    expect(post.headers[CSRF_HEADER]).toBe('csrf-abc');
    expect(post.body).toEqual({ reason: 'deploy' });
    expect(screen.getByRole('button', { name: 'Resume clarity-customer-to-salesforce' })).toBeTruthy();
  });

  it('shows why a pause was refused', async () => {
    mockApi({
      'GET /flows': { body: { items: flows } },
      'POST /flows/clarity-order-to-salesforce/pause': { status: 403, body: { title: 'Forbidden', detail: 'csrf token missing' } },
    });
    render(<Flows role="operator" />);
    await userEvent.click(await screen.findByRole('button', { name: 'Pause clarity-order-to-salesforce' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Forbidden: csrf token missing');
  });
});

describe('dead letters', () => {
  it('renders record values as text: a <script> name is inert', async () => {
    mockApi({ 'GET /dead-letters/7': { body: deadLetter } });
    const { container } = render(<DeadLetterPage id="7" role="viewer" />);
    const source = await screen.findByLabelText('Source record');
    expect(source.textContent).toContain('<script>window.__xss=1</script>');
    expect(container.querySelector('script')).toBeNull();
    expect(container.querySelector('img')).toBeNull();
    expect((window as unknown as { __xss?: number }).__xss).toBeUndefined();
  });

  it('has no action buttons for a viewer', async () => {
    mockApi({ 'GET /dead-letters/7': { body: deadLetter } });
    render(<DeadLetterPage id="7" role="viewer" />);
    await screen.findByLabelText('Source record');
    expect(screen.queryByRole('button', { name: 'Retry' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Retry with edit' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Resolve' })).toBeNull();
  });

  it('validates the edit before sending it and sends a valid one', async () => {
    const calls = mockApi({
      'GET /dead-letters/7': { body: deadLetter },
      'POST /dead-letters/7/edit': { status: 202, body: { valid: true, problems: [], preview: { ok: 1 }, deadLetter: { ...deadLetter, state: 'retrying' } } },
    });
    render(<DeadLetterPage id="7" role="operator" />);
    const editor = await screen.findByLabelText('Edit (JSON)');
    await userEvent.clear(editor);
    await userEvent.type(editor, '{{"source": {{"User": ');
    expect(screen.getByText(/Not valid JSON/)).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Retry with edit' }) as HTMLButtonElement).disabled).toBe(true);
    await userEvent.type(editor, '{{"Contact": {{"LastName": "Edited"}}}}');
    expect(screen.getByText('Valid JSON edit.')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Retry with edit' }));
    await screen.findByText('Edited and retried.');
    const post = calls.find((c) => c.method === 'POST')!;
    expect(post.body).toEqual({ edit: { source: { User: { Contact: { LastName: 'Edited' } } } }, dryRun: false, retry: true });
  });

  it('shows the flow\'s problems with a refused edit', async () => {
    mockApi({
      'GET /dead-letters/7': { body: deadLetter },
      'POST /dead-letters/7/edit': { status: 422, body: { valid: false, problems: ['LastName is still empty'], preview: null } },
    });
    render(<DeadLetterPage id="7" role="operator" />);
    const editor = await screen.findByLabelText('Edit (JSON)');
    await userEvent.clear(editor);
    await userEvent.type(editor, '{{"source": {{"X": 1}}');
    await userEvent.click(screen.getByRole('button', { name: 'Check edit' }));
    expect((await screen.findByRole('alert')).textContent).toContain('LastName is still empty');
  });

  it('needs a reason to resolve', async () => {
    const calls = mockApi({
      'GET /dead-letters/7': { body: deadLetter },
      'POST /dead-letters/7/resolve': { body: { ...deadLetter, state: 'resolved' } },
    });
    render(<DeadLetterPage id="7" role="operator" />);
    const resolve = await screen.findByRole('button', { name: 'Resolve' });
    expect((resolve as HTMLButtonElement).disabled).toBe(true);
    await userEvent.type(screen.getByLabelText(/^Reason/), 'fixed by hand');
    await userEvent.click(resolve);
    await waitFor(() => expect(calls.some((c) => c.path === '/dead-letters/7/resolve')).toBe(true));
    expect(calls.find((c) => c.path === '/dead-letters/7/resolve')!.body).toEqual({ reason: 'fixed by hand' });
  });

  it('says so when a dead letter does not exist', async () => {
    mockApi({ 'GET /dead-letters/99': { status: 404, body: { title: 'Not found', detail: 'no dead letter 99' } } });
    render(<DeadLetterPage id="99" role="operator" />);
    expect((await screen.findByRole('alert')).textContent).toContain('Not found: no dead letter 99');
  });

  it('checkEdit refuses what is not an edit', () => {
    expect(checkEdit('[]').problem).toContain('must be a JSON object');
    expect(checkEdit('{}').problem).toContain('empty');
    expect(checkEdit('{"sauce": {}}').problem).toContain('Unknown member "sauce"');
    expect(checkEdit('{"source": 3}').problem).toContain('"source" must be a JSON object');
    expect(checkEdit('{"request": {"a": 1}}').edit).toEqual({ request: { a: 1 } });
  });
});
