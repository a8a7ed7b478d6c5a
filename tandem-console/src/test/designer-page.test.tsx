/// <reference types="vite/client" />
// The designer page against a mocked admin API: the palette from the real schema, adding a step, a refused dry run
// shown on the step, a save that sends the flow with the version it started from, no save for a viewer, and a
// failed load said in words.
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { setCsrfToken } from '../api';
import FlowDesigner from '../pages/FlowDesigner';
import { mockApi, type Call } from './fetchMock';

const schema = JSON.parse(Object.values(import.meta.glob('../../../docs/flow.schema.json',
  { query: '?raw', import: 'default', eager: true }) as Record<string, string>)[0]);

const flow = {
  id: 'x-flow',
  name: 'X flow',
  from: { system: 'clarity', events: ['SalesOrder.Created'] },
  steps: [{ fetch: { system: 'clarity', entity: 'SalesOrder' } }, { to: { system: 'salesforce' } }],
};
const definition = { id: 'x-flow', version: 'aaaaaaaaaaaa', file: 'x-flow.yaml', shipped: false, editable: true,
  definition: flow, mappings: {} };
const versions = { items: [{ version: 'aaaaaaaaaaaa', file: 'x-flow.yaml', loadedAt: '2026-12-03T10:00:00Z', running: true }] };

beforeEach(() => {
  vi.unstubAllGlobals();
  setCsrfToken('csrf');
});

function stubBrowser() {
  // React Flow measures its nodes; jsdom has no layout.
  vi.stubGlobal('ResizeObserver', class { observe() {} unobserve() {} disconnect() {} });
}

describe('flow designer page', () => {
  it('adds a filter from the palette and shows the dry run problem on its step', async () => {
    const puts: Call[] = [];
    mockApi({
      'GET /flows/x-flow/definition': { body: definition },
      'GET /flows/schema': { body: schema },
      'GET /flows/x-flow/versions': { body: versions },
      'PUT /flows/x-flow/definition': (call) => {
        puts.push(call);
        return { status: 422, contentType: 'application/problem+json', body: { title: 'The flow is not valid',
          status: 422, code: 'invalid_flow', detail: '1 problem(s)', problems: [{ path: 'steps/1/filter/when',
            step: 'steps/1', message: 'JSONata in steps.1.filter.when: Unexpected end of expression' }] } };
      },
    });
    stubBrowser();
    render(<FlowDesigner id="x-flow" role="admin" />);
    await screen.findByRole('heading', { name: 'Flow designer: x-flow' });
    const palette = screen.getByRole('list', { name: 'Step types' });
    // Every kind of the schema, none hard-coded.
    expect(within(palette).getAllByRole('button')).toHaveLength(schema.properties.steps.items.anyOf.length);
    await userEvent.click(screen.getByRole('button', { name: /1\. Content Enricher \(fetch\)/ }));
    await userEvent.click(screen.getByRole('button', { name: 'Add Message Filter (filter)' }));
    expect(screen.getByTestId('step-1').textContent).toContain('Message Filter');
    expect(screen.getByRole('region', { name: 'Properties' }).querySelector('#root_when')).not.toBeNull();

    await userEvent.click(screen.getByRole('button', { name: 'Save flow' }));
    expect((await screen.findByRole('alert')).textContent).toContain('1 problem(s)');
    expect(screen.getByTestId('step-1').textContent).toContain('1 problem(s)');
    expect(screen.getByRole('region', { name: 'Properties' }).textContent).toContain('Unexpected end of expression');
    expect(puts).toHaveLength(1);
    expect(puts[0].path).toContain('dryRun=true');
    expect((puts[0].body as typeof flow).steps[1]).toStrictEqual({ filter: { when: '' } });
  });

  it('saves after a clean dry run with the version it started from, and shows the new version', async () => {
    const puts: Call[] = [];
    mockApi({
      'GET /flows/x-flow/definition': { body: definition },
      'GET /flows/schema': { body: schema },
      'GET /flows/x-flow/versions': { body: versions },
      'PUT /flows/x-flow/definition': (call) => {
        puts.push(call);
        return { body: call.path.includes('dryRun=true') ? { valid: true, version: 'bbbbbbbbbbbb' }
          : { valid: true, version: 'bbbbbbbbbbbb', previousVersion: 'aaaaaaaaaaaa', running: true } };
      },
    });
    stubBrowser();
    render(<FlowDesigner id="x-flow" role="admin" />);
    await screen.findByRole('heading', { name: 'Flow designer: x-flow' });
    await userEvent.click(screen.getByRole('button', { name: 'Move step 2 up' }));
    await userEvent.click(screen.getByRole('button', { name: 'Save flow' }));
    await screen.findByText(/Saved as version bbbbbbbbbbbb, now running/);
    expect(puts.map((p) => p.path)).toStrictEqual(['/flows/x-flow/definition?dryRun=true',
      '/flows/x-flow/definition?baseVersion=aaaaaaaaaaaa']);
    const saved = puts[1].body as typeof flow;
    expect(saved.steps).toStrictEqual([flow.steps[1], flow.steps[0]]);
    expect(Object.keys(saved)).toStrictEqual(Object.keys(flow));
    expect(puts[1].headers['X-Tandem-CSRF']).toBe('csrf');
  });

  it("edits a router branch's step from the list and from the canvas by keyboard, and puts a problem on it", async () => {
    const routed = { id: 'x-flow', from: flow.from, steps: [{ choice: { when: [{ condition: "$event.entity = 'A'",
      steps: [{ fetch: { system: 'clarity', entity: 'A' } }, { filter: { when: 'true', reason: 'old' } }] }],
      otherwise: [{ fetch: { system: 'clarity', entity: 'B' } }] } }, { to: { system: 'salesforce' } }] };
    const puts: Call[] = [];
    mockApi({
      'GET /flows/x-flow/definition': { body: { ...definition, definition: routed } },
      'GET /flows/schema': { body: schema },
      'GET /flows/x-flow/versions': { body: versions },
      'PUT /flows/x-flow/definition': (call) => {
        puts.push(call);
        return { status: 422, contentType: 'application/problem+json', body: { title: 'The flow is not valid',
          status: 422, code: 'invalid_flow', detail: '1 problem(s)', problems: [{
            path: 'steps/0/choice/otherwise/1/filter/when', step: 'steps/0', message: 'JSONata: Unexpected end' }] } };
      },
    });
    stubBrowser();
    const { container } = render(<FlowDesigner id="x-flow" role="admin" />);
    await screen.findByRole('heading', { name: 'Flow designer: x-flow' });
    const branches = screen.getByRole('list', { name: 'Branches of step 1' });
    expect(within(branches).getByRole('button', { name: "◇ when $event.entity = 'A'" })).toBeDefined();
    await userEvent.click(within(branches).getByRole('button', { name: /1\.1\.2 Message Filter/ }));
    expect(screen.getByTestId('form-title').textContent).toContain("step 2 of branch 1 ($event.entity = 'A') of step 1");
    const reason = screen.getByRole('region', { name: 'Properties' }).querySelector('#root_reason') as HTMLInputElement;
    expect(reason.value).toBe('old');
    await userEvent.clear(reason);
    await userEvent.type(reason, 'new');

    // The canvas: a node reached by Tab is selected with Enter, as a click would.
    const node = container.querySelector('.react-flow__node[data-id$="-b1-0"]') as HTMLElement;
    expect(node.getAttribute('tabindex')).toBe('0');
    node.focus();
    await userEvent.keyboard('{Enter}');
    expect(screen.getByTestId('form-title').textContent).toContain('step 1 of the otherwise branch of step 1');
    // The palette adds after the selected branch step, in its branch.
    expect(screen.getByTestId('palette-place').textContent).toBe('Adds after step 1 of the otherwise branch of step 1.');
    await userEvent.click(screen.getByRole('button', { name: 'Add Message Filter (filter)' }));
    expect(screen.getByTestId('branch-0-1-1').textContent).toContain('Message Filter');

    // A new branch from the list (its condition then set in the router's form), and one removed again.
    await userEvent.click(screen.getByRole('button', { name: '＋ Add a branch to step 1' }));
    expect(within(branches).getByRole('button', { name: '◇ when (no condition yet)' })).toBeDefined();
    expect(screen.getByRole('status').textContent).toContain('Added branch 2 to step 1');
    await userEvent.click(screen.getByRole('button', { name: '＋ Add a branch to step 1' }));
    await userEvent.click(screen.getByRole('button', { name: 'Remove branch 3 (no condition yet) of step 1 and its steps' }));
    expect(within(branches).getAllByRole('button', { name: '◇ when (no condition yet)' })).toHaveLength(1);
    // Its condition in a form of its own (the schema's When.condition), selected from the list.
    await userEvent.click(within(branches).getByRole('button', { name: '◇ when (no condition yet)' }));
    expect(screen.getByTestId('form-title').textContent).toBe('Condition of branch 2 (no condition yet) of step 1');
    const condition = screen.getByRole('region', { name: 'Properties' }).querySelector('#root_condition') as HTMLInputElement;
    await userEvent.type(condition, "$event.entity = 'C'");
    expect(within(branches).getByRole('button', { name: "◇ when $event.entity = 'C'" })).toBeDefined();

    await userEvent.click(screen.getByRole('button', { name: 'Save flow' }));
    await screen.findByRole('alert');
    expect(screen.getByTestId('branch-0-2-1').textContent).toContain('1 problem(s)');
    expect(screen.getByRole('region', { name: 'Properties' }).textContent).toContain('Unexpected end');
    const sent = puts[0].body as { steps: [{ choice: { when: { steps: unknown[] }[]; otherwise: unknown[] } }, unknown] };
    expect(sent.steps[0].choice.when[0].steps[1]).toStrictEqual({ filter: { when: 'true', reason: 'new' } });
    expect(sent.steps[0].choice.when[1]).toStrictEqual({ condition: "$event.entity = 'C'", steps: [] });
    expect(sent.steps[0].choice.otherwise).toStrictEqual([{ fetch: { system: 'clarity', entity: 'B' } }, { filter: { when: '' } }]);
    expect(sent.steps[1]).toStrictEqual(routed.steps[1]);
  });

  it('offers no save to a viewer', async () => {
    mockApi({
      'GET /flows/x-flow/definition': { body: definition },
      'GET /flows/schema': { body: schema },
      'GET /flows/x-flow/versions': { body: versions },
    });
    stubBrowser();
    render(<FlowDesigner id="x-flow" role="viewer" />);
    await screen.findByRole('heading', { name: 'Flow designer: x-flow' });
    expect(screen.getByRole('button', { name: 'Save flow' })).toHaveProperty('disabled', true);
    expect(screen.getByText('Saving needs the admin role.')).toBeDefined();
  });

  it('says why the flow could not be loaded', async () => {
    mockApi({
      'GET /flows/x-flow/definition': { status: 404, contentType: 'application/problem+json',
        body: { title: 'Not found', status: 404, detail: "no flow 'x-flow' is loaded" } },
      'GET /flows/schema': { body: schema },
      'GET /flows/x-flow/versions': { body: versions },
    });
    stubBrowser();
    render(<FlowDesigner id="x-flow" role="admin" />);
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain("no flow 'x-flow' is loaded"));
  });
});
