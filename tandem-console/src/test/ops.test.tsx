import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setCsrfToken } from '../api';
import { AlertsPage } from '../pages/Alerts';
import { Errors } from '../pages/Errors';
import { DeadLetterList, ROW_HEIGHT } from '../pages/errors/DeadLetterList';
import { RecordSearch } from '../pages/timeline/RecordSearch';
import { TimelinePage } from '../pages/Timeline';
import type { DeadLetterSummary } from '../types';
import { mockApi, type Call } from './fetchMock';
import { flows } from './fixtures';

// The virtualizer measures its scroll box with clientHeight, which jsdom leaves at 0: give it a screen of 600 px.
const VIEWPORT = 600;
beforeEach(() => {
  vi.unstubAllGlobals();
  setCsrfToken('csrf-123');
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => VIEWPORT });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 1000 });
});
afterEach(() => {
  delete (HTMLElement.prototype as unknown as Record<string, unknown>).clientHeight;
  delete (HTMLElement.prototype as unknown as Record<string, unknown>).clientWidth;
});

const dl = (id: number, over: Partial<DeadLetterSummary> = {}): DeadLetterSummary => ({
  id, state: 'open', flow: 'clarity-order-to-salesforce', step: 'validate', entity: 'SalesOrder', entityKey: `SO-${id}`,
  errorCode: 'REQUIRED_FIELD_MISSING', errorClass: 'missing_field', errorMessage: `LastName missing (${id})`,
  occurrences: 1, attempts: 1, eventOffset: id, createdAt: '2026-12-01T10:00:00Z', updatedAt: '2026-12-01T10:00:00Z',
  ...over,
});

const many = (n: number, from = n) => Array.from({ length: n }, (_, i) => dl(from - i));

function rowsInDom() {
  return document.querySelectorAll('[data-testid^="dead-letter-"]:not([data-testid="dead-letter-scroller"])');
}

describe('the dead-letter list', () => {
  it('keeps only a screenful of 100,000 dead letters in the DOM, and scrolls to any of them', async () => {
    const items = many(100_000);
    render(<DeadLetterList items={items} total={100_000} hasMore={false} loadingMore={false} onNeedMore={() => {}} />);
    const screenful = Math.ceil(VIEWPORT / ROW_HEIGHT);
    expect(rowsInDom().length).toBeGreaterThanOrEqual(screenful);
    expect(rowsInDom().length).toBeLessThanOrEqual(screenful + 2 * 8 + 1); // a screen plus the overscan
    expect(screen.getByTestId('dead-letter-100000')).toBeTruthy();
    expect(screen.queryByTestId('dead-letter-50000')).toBeNull();
    // The scroll box is as tall as all rows, so the scroll bar means 100,000.
    const body = screen.getByRole('list', { name: 'Dead letters' });
    expect(body.style.height).toBe(`${100_000 * ROW_HEIGHT}px`);

    const scroller = screen.getByTestId('dead-letter-scroller');
    await act(async () => {
      scroller.scrollTop = 50_000 * ROW_HEIGHT;
      fireEvent.scroll(scroller);
    });
    await waitFor(() => expect(screen.getByTestId('dead-letter-50000')).toBeTruthy());
    expect(screen.queryByTestId('dead-letter-100000')).toBeNull();
    expect(rowsInDom().length).toBeLessThanOrEqual(screenful + 2 * 8 + 1);
    expect(within(screen.getByTestId('dead-letter-50000')).getByRole('link', { name: 'Dead letter 50000' })
      .getAttribute('href')).toBe('/errors/50000');
  });
});

/** GET /dead-letters answering pages of 200 out of {@code total}, newest first, by cursor (the last id). */
function pagedDeadLetters(total: number) {
  return (call: Call) => {
    const q = new URLSearchParams(call.path.split('?')[1]);
    const before = q.get('cursor') ? Number(atob(q.get('cursor') ?? '')) : total + 1;
    const limit = Number(q.get('limit'));
    const items = Array.from({ length: Math.min(limit, before - 1) }, (_, i) => dl(before - 1 - i));
    return { body: { items, total, ...(items.length === limit ? { nextCursor: btoa(String(items[items.length - 1].id)) } : {}) } };
  };
}

describe('the Errors page', () => {
  it('shows the Open tab with its states and filters, and pages 100,000 dead letters from the API as you scroll', async () => {
    const calls = mockApi({ 'GET /flows': { body: { items: flows } }, 'GET /dead-letters': pagedDeadLetters(100_000) });
    render(<Errors query={new URLSearchParams('flow=clarity-order-to-salesforce&code=REQUIRED_FIELD_MISSING')} role="viewer" />);
    expect((await screen.findByText('100,000 dead letters match.'))).toBeTruthy();
    const first = calls.find((c) => c.path.startsWith('/dead-letters'))!;
    const q = new URLSearchParams(first.path.split('?')[1]);
    expect(q.get('state')).toBe('open,retrying');
    expect(q.get('flow')).toBe('clarity-order-to-salesforce');
    expect(q.get('code')).toBe('REQUIRED_FIELD_MISSING');
    expect(screen.getByRole('link', { name: 'Open' }).getAttribute('aria-current')).toBe('page');
    // a viewer has no bulk actions
    expect(screen.queryByRole('button', { name: /all matching/ })).toBeNull();

    // Scrolling near the end of the loaded 200 asks for the next page with the cursor.
    const scroller = await screen.findByTestId('dead-letter-scroller');
    await act(async () => {
      scroller.scrollTop = 190 * ROW_HEIGHT;
      fireEvent.scroll(scroller);
    });
    await waitFor(() => expect(calls.filter((c) => c.path.startsWith('/dead-letters'))).toHaveLength(2));
    expect(new URLSearchParams(calls.filter((c) => c.path.startsWith('/dead-letters'))[1].path.split('?')[1]).get('cursor'))
      .toBe(btoa('99801'));
    await act(async () => {
      scroller.scrollTop = 300 * ROW_HEIGHT;
      fireEvent.scroll(scroller);
    });
    await waitFor(() => expect(screen.getByTestId('dead-letter-99700')).toBeTruthy());
    expect(rowsInDom().length).toBeLessThan(40);
  });

  it('asks the API for resolved and ignored ones on the Resolved tab', async () => {
    const calls = mockApi({ 'GET /flows': { body: { items: flows } },
      'GET /dead-letters': { body: { items: [dl(3, { state: 'resolved' })], total: 1 } } });
    render(<Errors query={new URLSearchParams('tab=resolved')} role="operator" />);
    await screen.findByTestId('dead-letter-3');
    expect(new URLSearchParams(calls.find((c) => c.path.startsWith('/dead-letters'))!.path.split('?')[1]).get('state'))
      .toBe('resolved,ignored');
    expect(screen.getByRole('link', { name: 'Resolved' }).getAttribute('aria-current')).toBe('page');
    // only retry makes sense for settled ones
    expect(screen.getByRole('button', { name: 'Retry all matching…' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Resolve all matching…' })).toBeNull();
  });

  it('says why the list could not be loaded', async () => {
    mockApi({ 'GET /flows': { body: { items: flows } },
      'GET /dead-letters': { status: 400, body: { title: 'Bad request', detail: 'class must be one of data, …' } } });
    render(<Errors query={new URLSearchParams('class=nonsense')} role="operator" />);
    expect((await screen.findByRole('alert')).textContent).toContain('Bad request: class must be one of data, …');
  });

  it('resolves by filter only after the server counted it and a reason is given', async () => {
    let open = 3;
    const calls = mockApi({
      'GET /flows': { body: { items: flows } },
      'GET /dead-letters': () => ({ body: { items: many(open), total: open } }),
      'POST /dead-letters/bulk': (c) => {
        const b = c.body as { dryRun: boolean; action: string };
        if (b.dryRun) {
          return { body: { action: b.action, dryRun: true, matched: 3, changed: 0, truncated: false, upTo: 3 } };
        }
        open = 0;
        return { body: { action: b.action, dryRun: false, matched: 3, changed: 3, truncated: false } };
      },
    });
    render(<Errors query={new URLSearchParams('flow=clarity-order-to-salesforce&q=lastname')} role="operator" />);
    await screen.findByTestId('dead-letter-3');
    await userEvent.click(screen.getByRole('button', { name: 'Resolve all matching…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Resolve by filter' });
    expect((await within(dialog).findByTestId('bulk-count')).textContent).toContain('3 dead letters match and will be resolved');
    const dry = calls.filter((c) => c.path === '/dead-letters/bulk');
    expect(dry).toHaveLength(1);
    expect(dry[0].body).toEqual({ action: 'resolve', dryRun: true,
      filter: { state: ['open'], flow: 'clarity-order-to-salesforce', q: 'lastname' } });
    expect(dry[0].headers['X-Tandem-CSRF']).toBe('csrf-123');
    const confirm = within(dialog).getByRole('button', { name: 'Resolve 3 dead letters' });
    expect((confirm as HTMLButtonElement).disabled).toBe(true);
    await userEvent.type(within(dialog).getByLabelText(/Reason/), 'fixed in Salesforce');
    await userEvent.click(confirm);
    expect((await within(dialog).findByTestId('bulk-done')).textContent).toContain('3 of 3 dead letters resolved');
    const sent = calls.filter((c) => c.path === '/dead-letters/bulk');
    // upTo: only what the dry run counted (the newest id it saw), not dead letters that match since.
    expect(sent[1].body).toEqual({ action: 'resolve', dryRun: false, reason: 'fixed in Salesforce', upTo: 3,
      filter: { state: ['open'], flow: 'clarity-order-to-salesforce', q: 'lastname' } });
    // the list was asked again and is empty now
    expect(await screen.findByText('No dead letters match these filters.')).toBeTruthy();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Close' }));
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('shows a refused bulk action as a message and changes nothing', async () => {
    const calls = mockApi({
      'GET /flows': { body: { items: flows } },
      'GET /dead-letters': { body: { items: many(2), total: 2 } },
      'POST /dead-letters/bulk': { status: 403, body: { title: 'Forbidden', detail: 'this operation needs the operator role' } },
    });
    render(<Errors query={new URLSearchParams('')} role="operator" />);
    await screen.findByTestId('dead-letter-2');
    await userEvent.click(screen.getByRole('button', { name: 'Ignore all matching…' }));
    const dialog = await screen.findByRole('dialog');
    expect((await within(dialog).findByRole('alert')).textContent).toContain('Forbidden: this operation needs the operator role');
    expect(within(dialog).queryByRole('button', { name: /^Ignore \d/ })).toBeNull();
    expect(calls.filter((c) => c.path === '/dead-letters/bulk')).toHaveLength(1);
    // the keyboard stays in the dialog; Escape closes it and gives the focus back to the button that opened it
    const opener = screen.getByRole('button', { name: 'Ignore all matching…' });
    await userEvent.tab();
    expect(dialog.contains(document.activeElement)).toBe(true);
    await userEvent.tab();
    expect(dialog.contains(document.activeElement)).toBe(true);
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(opener);
  });

  it('lists pending retries of the flow on the Retries tab and runs one now', async () => {
    const calls = mockApi({
      'GET /flows': { body: { items: flows } },
      'GET /retries': { body: { items: [{ flow: 'clarity-order-to-salesforce', eventOffset: 42, attempts: 3,
        dueAt: '2026-12-01T10:05:00Z', lastError: 'UNABLE_TO_LOCK_ROW: locked' }], total: 1 } },
      'POST /retries/clarity-order-to-salesforce/42/run': { status: 202, body: {} },
    });
    render(<Errors query={new URLSearchParams('tab=retries&flow=clarity-order-to-salesforce')} role="operator" />);
    expect(await screen.findByText('1 pending retry in clarity-order-to-salesforce.')).toBeTruthy();
    expect(calls.find((c) => c.path.startsWith('/retries'))!.path).toBe('/retries?limit=200&flow=clarity-order-to-salesforce');
    expect(screen.getByText('UNABLE_TO_LOCK_ROW: locked')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Run the retry of event 42 of clarity-order-to-salesforce now' }));
    expect(await screen.findByText(/The retry of event 42 .* runs now/)).toBeTruthy();
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(1);
  });

  it('offers no "run now" to a viewer and says when the retries cannot be read', async () => {
    mockApi({ 'GET /flows': { body: { items: flows } },
      'GET /retries': { status: 503, body: { title: 'Service unavailable', detail: 'the store is closed' } } });
    render(<Errors query={new URLSearchParams('tab=retries')} role="viewer" />);
    expect((await screen.findByRole('alert')).textContent).toContain('Service unavailable: the store is closed');
    expect(screen.queryByRole('button', { name: /Run the retry/ })).toBeNull();
  });
});

const timeline = {
  query: 'C-1001',
  links: [{ objectType: 'Contact', sourceKey: 'C-1001', targetId: '003000000000001AAA' }],
  events: [
    { offset: 9, source: 'salesforce-cdc', type: 'Contact.UPDATE', entity: 'Contact', entityId: '003000000000001AAA',
      entityKey: '', occurredAt: '2026-12-01T10:05:00Z', receivedAt: '2026-12-01T10:05:01Z',
      steps: [{ at: '2026-12-01T10:05:02Z', flow: 'salesforce-contact-to-clarity', flowVersion: 'v2', step: 'settle',
        decision: 'synced', outcome: 'OK', request: 'PUT /Contacts/1001', status: 200, durationMs: 35, detail: null,
        written: { contact: { entity: 'Contact', key: 'C-1001', id: '1001', firstWrite: false,
          changed: { LastName: { from: 'Li', to: '<b>Lee</b>' } } } } }] },
    { offset: 4, source: 'clarity', type: 'Customer.Created', entity: 'Customer', entityId: '1001', entityKey: 'C-1001',
      occurredAt: '2026-12-01T10:00:00Z', receivedAt: '2026-12-01T10:00:01Z',
      steps: [{ at: '2026-12-01T10:00:02Z', flow: 'clarity-customer-to-salesforce', flowVersion: 'v1', step: 'settle',
        decision: 'synced', outcome: 'OK', request: 'PATCH Contact/Clarity_Key__c/C-1001', status: 201, durationMs: 80,
        detail: null, written: { contact: { entity: 'Contact', key: 'C-1001', id: '003000000000001AAA', firstWrite: true,
          changed: { LastName: { from: null, to: 'Li' } } } } }] },
  ],
  deadLetters: [dl(12, { entityKey: 'C-1001', state: 'resolved' })],
};

describe('the record timeline', () => {
  it('shows both directions newest first, each expandable to the request, response and field diff', async () => {
    const calls = mockApi({ 'GET /timeline': { body: timeline } });
    render(<TimelinePage query={new URLSearchParams('key=C-1001')} />);
    const history = await screen.findByRole('list', { name: 'History of C-1001' });
    const entries = within(history).getAllByRole('listitem');
    expect(entries.map((e) => e.getAttribute('data-direction'))).toEqual(['Salesforce → Clarity', 'Clarity → Salesforce']);
    expect(calls[0].path).toBe('/timeline?key=C-1001');
    expect(screen.getByText(/003000000000001AAA/, { selector: 'code' })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Dead letter 12' }).getAttribute('href')).toBe('/errors/12');

    const older = entries[1];
    expect(within(older).queryByText('PATCH Contact/Clarity_Key__c/C-1001')).toBeNull();
    const toggle = within(older).getByRole('button', { name: 'Show details' });
    await userEvent.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    expect(within(older).getByText('PATCH Contact/Clarity_Key__c/C-1001')).toBeTruthy();
    expect(within(older).getByText('HTTP 201 in 80 ms')).toBeTruthy();
    expect(within(older).getByText(/first write/)).toBeTruthy();

    await userEvent.click(within(entries[0]).getByRole('button', { name: 'Show details' }));
    const diff = within(entries[0]).getByRole('table');
    const row = within(diff).getByRole('row', { name: /LastName/ });
    expect(within(row).getAllByRole('cell').map((c) => c.textContent)).toEqual(['Li', '<b>Lee</b>']);
    expect(document.querySelector('b')).toBeNull(); // a record value is text, never markup
  });

  it('says so in words when nothing is known about the key', async () => {
    mockApi({ 'GET /timeline': { body: { query: 'nobody@example.com', links: [], events: [], deadLetters: [] } } });
    render(<TimelinePage query={new URLSearchParams('key=nobody@example.com')} />);
    expect((await screen.findByTestId('timeline-empty')).textContent).toContain('Nothing is known about nobody@example.com');
  });

  it('shows a refused key as a message', async () => {
    mockApi({ 'GET /timeline': { status: 400, body: { title: 'Bad request',
      detail: 'key is at most 320 characters without control characters' } } });
    render(<TimelinePage query={new URLSearchParams(`key=${'x'.repeat(400)}`)} />);
    expect((await screen.findByRole('alert')).textContent).toContain('key is at most 320 characters');
  });

  it('searches from the page and from the header', async () => {
    mockApi({});
    render(<><RecordSearch /><TimelinePage query={new URLSearchParams('')} /></>);
    await userEvent.type(screen.getByLabelText('Clarity key or id, Salesforce id, or e-mail'), 'SO-5001{Enter}');
    expect(window.location.pathname + window.location.search).toBe('/timeline?key=SO-5001');
    await userEvent.type(screen.getByRole('searchbox', { name: 'Find a record' }), 'ann@example.com{Enter}');
    expect(window.location.search).toBe('?key=ann%40example.com');
  });
});

const rules = {
  enabled: true,
  channels: ['log', 'ops-mail'],
  conditions: [
    { name: 'deadLetters', unit: 'count', thresholdRequired: true, keys: ['flow', 'perFlow', 'threshold', 'window'] },
    { name: 'flowPaused', unit: 'paused', thresholdRequired: false, keys: ['flow'] },
  ],
  items: [
    { name: 'flow-paused', condition: 'flowPaused', severity: 'critical', describe: 'flow-paused (flowPaused)',
      channels: ['log'], source: 'config' },
    { name: 'many-dead', condition: 'deadLetters', severity: 'warning', describe: 'many-dead (deadLetters > 5 in 10m)',
      threshold: 5, window: '10m', perFlow: false, channels: ['log'], source: 'api' },
  ],
};
const firing = { items: [{ rule: 'many-dead', flow: 'clarity-order-to-salesforce', source: null,
  since: '2026-12-01T10:00:00Z', lastSent: '2026-12-01T10:00:00Z', summary: '7 dead letters in 10m' }] };
const history = { items: [{ alert: { id: 'a1', rule: 'many-dead', condition: 'deadLetters', severity: 'warning',
  state: 'FIRING', test: false, flow: 'clarity-order-to-salesforce', summary: '7 dead letters in 10m',
  at: '2026-12-01T10:00:00Z' }, delivered: true, deliveries: [{ channel: 'log', delivered: true, detail: "written to Tandem's log" }] }] };

describe('the Alerts page', () => {
  const routes = () => ({ 'GET /alerts/rules': { body: rules }, 'GET /alerts/firing': { body: firing },
    'GET /alerts/history': { body: history }, 'GET /flows': { body: { items: flows } } });

  it('lists the rules, what fires now and what was sent; a viewer changes nothing', async () => {
    mockApi(routes());
    render(<AlertsPage role="viewer" />);
    expect((await screen.findByTestId('rule-flow-paused')).textContent).toContain('tandem.yaml');
    expect(screen.getByTestId('rule-many-dead').textContent).toContain('many-dead (deadLetters > 5 in 10m)');
    expect((await screen.findByTestId('firing-many-dead')).textContent).toContain('7 dead letters in 10m');
    expect(await screen.findByText(/written to Tandem's log/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'New rule…' })).toBeNull();
    expect(screen.queryByRole('button', { name: /Change rule/ })).toBeNull();
  });

  it('lets an admin add a rule and shows the server’s validation error', async () => {
    const calls = mockApi({ ...routes(), 'POST /alerts/rules': (c) => ((c.body as { threshold?: number }).threshold === 500
      ? { status: 201, body: {} }
      : { status: 422, body: { title: 'The request cannot be carried out',
        detail: 'rule.threshold is required for condition deadLetters' } }) });
    render(<AlertsPage role="admin" />);
    await userEvent.click(await screen.findByRole('button', { name: 'New rule…' }));
    const form = screen.getByRole('form', { name: 'New rule' });
    await userEvent.type(within(form).getByLabelText('Name'), 'lots');
    await userEvent.click(within(form).getByRole('button', { name: 'Add rule' }));
    expect((await within(form).findByRole('alert')).textContent)
      .toContain('rule.threshold is required for condition deadLetters');
    await userEvent.type(within(form).getByLabelText(/Threshold/), '500');
    await userEvent.type(within(form).getByLabelText(/Window/), '1h');
    await userEvent.click(within(form).getByLabelText('One alert per flow'));
    await userEvent.click(within(form).getByLabelText('ops-mail'));
    await userEvent.click(within(form).getByRole('button', { name: 'Add rule' }));
    expect(await screen.findByText('Rule lots added.')).toBeTruthy();
    const posts = calls.filter((c) => c.method === 'POST');
    expect(posts[1].body).toEqual({ name: 'lots', condition: 'deadLetters', severity: 'warning', threshold: 500,
      window: '1h', perFlow: true, channels: ['log', 'ops-mail'] });
  });

  it('lets an admin change a rule added through the API, not one of tandem.yaml', async () => {
    const calls = mockApi({ ...routes(), 'PUT /alerts/rules/many-dead': { body: {} } });
    render(<AlertsPage role="admin" />);
    await screen.findByTestId('rule-many-dead');
    expect(screen.queryByRole('button', { name: 'Change rule flow-paused' })).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Change rule many-dead' }));
    const form = screen.getByRole('form', { name: 'Change rule many-dead' });
    expect((within(form).getByLabelText('Name') as HTMLInputElement).disabled).toBe(true);
    const threshold = within(form).getByLabelText(/Threshold/);
    await userEvent.clear(threshold);
    await userEvent.type(threshold, '9');
    await userEvent.click(within(form).getByRole('button', { name: 'Save changes' }));
    expect(await screen.findByText('Rule many-dead changed.')).toBeTruthy();
    expect(calls.find((c) => c.method === 'PUT')!.body).toEqual({ name: 'many-dead', condition: 'deadLetters',
      severity: 'warning', threshold: 9, window: '10m', channels: ['log'] });
  });

  it('says why the rules cannot be read, and when alerting is off', async () => {
    mockApi({ ...routes(), 'GET /alerts/rules': { status: 500, body: { title: 'Internal error', detail: 'see the log' } } });
    const { unmount } = render(<AlertsPage role="admin" />);
    expect((await screen.findByRole('alert')).textContent).toContain('Internal error: see the log');
    unmount();
    mockApi({ ...routes(), 'GET /alerts/rules': { body: { ...rules, enabled: false, items: [], channels: [] } } });
    render(<AlertsPage role="admin" />);
    expect(await screen.findByText(/Alerting is off/)).toBeTruthy();
  });
});
