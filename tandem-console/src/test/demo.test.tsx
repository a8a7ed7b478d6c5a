import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { CSRF_HEADER, setCsrfToken } from '../api';
import { App } from '../App';
import DemoPage from '../pages/Demo';
import type { Activity, DemoInfo } from '../pages/demo/types';
import { flows, session, summary } from './fixtures';
import { mockApi } from './fetchMock';

beforeEach(() => {
  vi.unstubAllGlobals();
  setCsrfToken(null);
});

const info = (broken = false): DemoInfo => ({
  enabled: true,
  actions: [
    { id: 'create-order', label: 'Create an order', touchpoint: 'orderToCash', description: 'A shopper checks out.' },
    { id: 'register-customer', label: 'Register a customer', touchpoint: 'customer360', description: 'A customer registers.' },
    { id: 'change-phone', label: 'Change a phone in Salesforce', touchpoint: 'customer360', description: 'A rep.' },
    { id: 'add-product', label: 'Add a product in Clarity', touchpoint: 'productsInventory', description: 'A merchandiser.' },
    { id: 'change-price', label: 'Change a price in Clarity', touchpoint: 'productsInventory', description: 'A new price.' },
    { id: 'break-salesforce', label: 'Break Salesforce for a minute', touchpoint: 'errorHandling', description: '503s.' },
    { id: 'slow-salesforce', label: 'Make Salesforce time out for a minute', touchpoint: 'errorHandling', description: 'Time-outs.' },
  ],
  sandboxes: {
    clarity: { baseUrl: 'http://c', orders: 3, customers: 5 },
    salesforce: { baseUrl: 'http://s', orders: 2, accounts: 4, contacts: 4, apiRequests: 12,
      faults: { serverErrorRate: broken ? 1 : 0, lockErrorRate: 0, broken, brokenUntil: broken ? '2026-12-01T10:01:00Z' : null } },
  },
});

const activity = (outcome: string, extra: Partial<Activity> = {}): Activity => ({
  events: [
    { offset: 9, source: 'clarity', direction: 'clarity-to-salesforce', type: 'SalesOrder.Created', entity: 'SalesOrder',
      entityId: '77', entityKey: 'SO-77', receivedAt: '2026-12-01T10:00:00Z', outcome,
      flows: outcome === 'pending' ? [] : [{ flow: 'clarity-order-to-salesforce', decision: outcome, detail: 'Order 801x', at: '2026-12-01T10:00:01Z' }] },
    { offset: 8, source: 'salesforce', direction: 'salesforce-to-clarity', type: 'Contact.Updated', entity: 'Contact',
      entityId: '003x', entityKey: '<img src=x onerror="window.__xss=1">', receivedAt: '2026-12-01T09:59:00Z', outcome: 'synced',
      flows: [{ flow: 'salesforce-contact-to-clarity', decision: 'synced', detail: null, at: '2026-12-01T09:59:01Z' }] },
  ],
  pausedFlows: [],
  retriesPending: 0,
  ...extra,
});

describe('the Demo page', () => {
  it('explains the four touchpoints, shows records with their direction and outcome, and renders values as text', async () => {
    mockApi({ 'GET /demo': { body: info() }, 'GET /demo/activity': { body: activity('synced') } });
    render(<DemoPage role="operator" />);
    for (const t of ['Customer 360', 'Order to cash', 'Products & inventory', 'Error handling']) {
      expect(await screen.findByRole('heading', { name: t })).toBeTruthy();
    }
    const rows = within(await screen.findByTestId('demo-events')).getAllByRole('row');
    expect(rows[1].textContent).toContain('Clarity → Salesforce');
    expect(rows[1].textContent).toContain('SO-77');
    expect(rows[1].textContent).toContain('synced');
    expect(rows[2].textContent).toContain('Salesforce → Clarity');
    expect(rows[2].textContent).toContain('<img src=x onerror="window.__xss=1">');
    expect(document.querySelector('img')).toBeNull();
    expect(screen.getByTestId('salesforce-orders').textContent).toBe('2');
    expect(screen.getByTestId('salesforce-state').getAttribute('data-state')).toBe('healthy');
  });

  it('creates an order with the CSRF token and follows that record until it is synced', async () => {
    setCsrfToken('csrf-123');
    let current = activity('pending');
    const calls = mockApi({
      'GET /demo': { body: info() },
      'GET /demo/activity': () => ({ body: current }),
      'POST /demo/actions/create-order': { body: { action: 'create-order', key: 'SO-77', message: 'Order SO-77 was placed in Clarity.' } },
    });
    render(<DemoPage role="operator" />);
    await userEvent.click(await screen.findByRole('button', { name: 'Create an order' }));
    expect((await screen.findByTestId('action-result')).textContent).toContain('Order SO-77 was placed');
    const post = calls.find((c) => c.method === 'POST');
    expect(post?.headers[CSRF_HEADER]).toBe('csrf-123');
    expect((await screen.findByTestId('tracked')).getAttribute('data-outcome')).toBe('pending');
    current = activity('synced');
    await waitFor(() => expect(screen.getByTestId('tracked').getAttribute('data-outcome')).toBe('synced'), { timeout: 5000 });
  });

  it('breaks Salesforce for the chosen time and shows the outage, the paused flows and the recovery', async () => {
    let broken = false;
    const calls = mockApi({
      'GET /demo': () => ({ body: info(broken) }),
      'GET /demo/activity': () => ({ body: broken ? activity('retrying', { retriesPending: 1, pausedFlows: [
        { flow: 'clarity-order-to-salesforce', system: 'salesforce', cause: 'OUTAGE', detail: 'HTTP 503', since: '2026-12-01T10:00:00Z' }] })
        : activity('synced') }),
      'POST /demo/actions/break-salesforce': () => {
        broken = true;
        return { body: { action: 'break-salesforce', message: 'Salesforce answers 503', brokenUntil: '2026-12-01T10:01:00Z' } };
      },
    });
    render(<DemoPage role="operator" />);
    await userEvent.selectOptions(await screen.findByLabelText('How long Salesforce stays broken'), '15');
    await userEvent.click(screen.getByRole('button', { name: 'Break Salesforce for a minute' }));
    expect(calls.some((c) => c.method === 'POST' && c.path === '/demo/actions/break-salesforce?seconds=15')).toBe(true);
    await waitFor(() => expect(screen.getByTestId('salesforce-state').getAttribute('data-state')).toBe('broken'));
    expect((await screen.findByTestId('paused-flows')).textContent).toContain('clarity-order-to-salesforce paused');
    expect(screen.getByTestId('retries-pending').textContent).toBe('1');
    broken = false;
    await waitFor(() => expect(screen.getByTestId('salesforce-state').getAttribute('data-state')).toBe('healthy'), { timeout: 5000 });
  });

  it('makes Salesforce time out for the chosen time and shows the time-outs, the retries and the recovery', async () => {
    let slow = false;
    const timing = (): DemoInfo => {
      const i = info(slow);
      i.sandboxes!.salesforce.faults = { serverErrorRate: 0, lockErrorRate: 0, broken: slow, mode: slow ? 'timeout' : null,
        brokenUntil: slow ? '2026-12-01T10:05:00Z' : null, latencyMillis: slow ? 15_000 : 0, timeoutMillis: 10_000 };
      return i;
    };
    const calls = mockApi({
      'GET /demo': () => ({ body: timing() }),
      'GET /demo/activity': () => ({ body: slow ? activity('retrying', { retriesPending: 1 }) : activity('synced') }),
      'POST /demo/actions/slow-salesforce': () => {
        slow = true;
        return { body: { action: 'slow-salesforce', mode: 'timeout', message: 'Salesforce holds every answer 15 s',
          brokenUntil: '2026-12-01T10:05:00Z' } };
      },
    });
    render(<DemoPage role="operator" />);
    await userEvent.selectOptions(await screen.findByLabelText('How long Salesforce times out'), '300');
    await userEvent.click(screen.getByRole('button', { name: 'Make Salesforce time out for a minute' }));
    expect(calls.some((c) => c.method === 'POST' && c.path === '/demo/actions/slow-salesforce?seconds=300')).toBe(true);
    expect((await screen.findByTestId('action-result')).textContent).toContain('holds every answer 15 s');
    await waitFor(() => expect(screen.getByTestId('salesforce-state').getAttribute('data-state')).toBe('broken'));
    expect(screen.getByTestId('salesforce-state').textContent)
      .toMatch(/^timing out: every answer held 15 s, past Tandem's 10 s timeout, until /);
    expect(screen.getByTestId('retries-pending').textContent).toBe('1');
    expect(screen.getByTestId('retrying').textContent).toBe('1');
    slow = false;
    await waitFor(() => expect(screen.getByTestId('salesforce-state').getAttribute('data-state')).toBe('healthy'), { timeout: 5000 });
  });

  it('has the product buttons under Products & inventory, and follows the product a price change names', async () => {
    setCsrfToken('csrf-9');
    const calls = mockApi({
      'GET /demo': { body: info() },
      'GET /demo/activity': { body: activity('synced') },
      'POST /demo/actions/change-price': { body: { action: 'change-price', entity: 'Product', key: 'DEMO-P-00042',
        message: 'The price of DEMO-P-00042 changed to 12.34 in Clarity.' } },
    });
    render(<DemoPage role="operator" />);
    const section = (await screen.findByRole('heading', { name: 'Products & inventory' })).closest('section')!;
    expect(within(section).getAllByRole('button').map((b) => b.textContent))
      .toEqual(['Add a product in Clarity', 'Change a price in Clarity']);
    await userEvent.click(within(section).getByRole('button', { name: 'Change a price in Clarity' }));
    expect((await screen.findByTestId('action-result')).textContent).toContain('DEMO-P-00042 changed to 12.34');
    expect(calls.find((c) => c.method === 'POST')?.path).toBe('/demo/actions/change-price');
    expect(screen.getByTestId('tracked').getAttribute('data-key')).toBe('DEMO-P-00042');
  });

  it('shows a refused action as a readable message, and a viewer gets no buttons', async () => {
    mockApi({
      'GET /demo': { body: info() },
      'GET /demo/activity': { body: activity('synced') },
      'POST /demo/actions/change-phone': { status: 409, contentType: 'application/problem+json',
        body: { title: 'Nothing to change yet', detail: 'no Salesforce contact is linked to Clarity yet' } },
    });
    const { unmount } = render(<DemoPage role="operator" />);
    await userEvent.click(await screen.findByRole('button', { name: 'Change a phone in Salesforce' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Nothing to change yet: no Salesforce contact is linked');
    unmount();
    render(<DemoPage role="viewer" />);
    expect(await screen.findByText(/signed in as a viewer/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Create an order' })).toBeNull();
  });

  it('says where the demo runs when the server is not `tandem demo`, and the API failing is a message', async () => {
    mockApi({ 'GET /demo': { body: { enabled: false } } });
    const { unmount } = render(<DemoPage role="operator" />);
    expect((await screen.findByText(/runs when Tandem is started as/)).textContent).toContain('tandem demo');
    unmount();
    mockApi({ 'GET /demo': { status: 500, body: { title: 'Internal error', detail: 'boom' } } });
    render(<DemoPage role="operator" />);
    expect((await screen.findByRole('alert')).textContent).toContain('Internal error: boom');
  });
});

describe('the navigation', () => {
  const base = {
    'GET /session': { body: session('operator') },
    'GET /metrics/summary': { body: summary },
    'GET /flows': { body: { items: flows } },
    'GET /retries': { body: { items: [], total: 0 } },
  };

  it('shows Demo only when the server runs as tandem demo', async () => {
    mockApi({ ...base, 'GET /demo': { body: { enabled: true, actions: [] } } });
    const { unmount } = render(<App />);
    expect(await screen.findByRole('link', { name: 'Demo' })).toBeTruthy();
    unmount();
    mockApi({ ...base, 'GET /demo': { body: { enabled: false } } });
    render(<App />);
    await screen.findByRole('heading', { name: 'Dashboard' });
    await waitFor(() => expect(screen.getByRole('link', { name: 'Errors' })).toBeTruthy());
    expect(screen.queryByRole('link', { name: 'Demo' })).toBeNull();
  });
});

describe('a lazy page that cannot load', () => {
  it('is a readable message with a retry, not a blank page', async () => {
    const { LoadBoundary } = await import('../pages/demo/LoadBoundary');
    const Broken = () => {
      throw new Error('Failed to fetch dynamically imported module');
    };
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    render(<LoadBoundary what="demo page"><Broken /></LoadBoundary>);
    expect(screen.getByRole('alert').textContent).toContain('The demo page could not be loaded (Failed to fetch');
    expect(screen.getByRole('button', { name: 'Try again' })).toBeTruthy();
    quiet.mockRestore();
  });
});
