/// <reference types="vite/client" />
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setCsrfToken } from '../api';
import { keyProblems, LookupTablesPanel, mapUses, matchingRows, picklistUses, rowProblems, ValueMapsPanel, VIRTUAL_ROWS } from '../pages/mapping/Tables';
import type { TargetFieldView } from '../pages/mapping/types';
// The shipped order mapping: its $picklist calls go through variables ($recordType := $picklist(…)).
import orderMapping from '../../../tandem-server/src/main/resources/flows/clarity-order-to-salesforce.jsonata?raw';
import { mockApi, type Call } from './fetchMock';

beforeEach(() => {
  vi.unstubAllGlobals();
  setCsrfToken('csrf');
});

const FLOW = 'clarity-order-to-salesforce';
const DEF = `/flows/${FLOW}/definition`;
const definition = {
  id: FLOW, name: 'Order', from: { system: 'clarity' },
  picklists: { accountRecordTypes: { b2b: 'Business', b2c: 'Consumer' }, accountNaming: { b2c: 'person' } },
  steps: [{ transform: { mapping: 'x.jsonata' } }],
};
const defView = { id: FLOW, version: 'v1', file: `${FLOW}.yaml`, shipped: true, editable: true, definition };
const text = '{"records": [{"entity": "Account", "fields": {\n  "Type": $picklist(Kind, \'accountTypes\'),\n'
  + '  "Name": $picklist($trim(TypeKey, "x"), "accountRecordTypes", "")\n}}]}';
const field = (name: string, picklistValues: string[]): TargetFieldView => ({
  name, label: name, type: picklistValues.length ? 'picklist' : 'string', length: 80, createable: true,
  updateable: true, nillable: true, defaultedOnCreate: false, required: false, picklistValues,
});
const targets = [field('Name', ['Business', 'Consumer']), field('Type', [])];

describe('value maps', () => {
  it('finds which fields use which map, through variables too, in the shipped order mapping', () => {
    expect(picklistUses('$picklist($a ? "b2b" : "b2c", \'m1\', "") & $picklist(f(x, y), "m2")')).toEqual(['m1', 'm2']);
    expect(picklistUses('$picklist(x)')).toEqual([]);
    const uses = mapUses(orderMapping);
    expect(uses.accountRecordTypes).toContain('Account.RecordTypeId');
    expect(mapUses(text)).toEqual({ accountTypes: ['Account.Type'], accountRecordTypes: ['Account.Name'] });
  });

  it('refuses an empty or duplicate source value', () => {
    expect(rowProblems('m', [{ source: 'a', target: '1' }, { source: ' ', target: '2' }, { source: 'a', target: '3' }]))
      .toEqual(['m, row 2: the source value is empty', 'm, row 3: the source value "a" appears twice']);
  });

  it('edits a map, refuses a duplicate before saving, then saves through a dry run and the save', async () => {
    const calls = mockApi({
      [`GET ${DEF}`]: { body: defView },
      [`PUT ${DEF}`]: (c: Call) => ({ body: c.path.includes('dryRun=true')
        ? { valid: true, dryRun: true, version: 'v2', previousVersion: 'v1' }
        : { valid: true, dryRun: false, file: `${FLOW}.yaml`, version: 'v2', previousVersion: 'v1', running: true } }),
    });
    const user = userEvent.setup();
    render(<ValueMapsPanel id={FLOW} canSave text={text} object="Account" targets={targets} />);
    const map = await screen.findByTestId('value-map-accountRecordTypes');
    expect(map.textContent).toContain('Used by Account.Name');
    // the org's picklist values of Account.Name are offered, and a value it does not have is flagged
    const target = within(map).getByLabelText('accountRecordTypes row 1 target value');
    expect(target.getAttribute('list')).toBe('picklist-values-accountRecordTypes');
    expect(map.querySelectorAll('datalist option')).toHaveLength(2);
    await user.clear(target);
    await user.type(target, 'Partner');
    expect(within(map).getByTestId('unknown-value').textContent).toContain('not a picklist value of the org');
    await user.clear(target);
    await user.type(target, 'Consumer');
    expect(within(map).queryByTestId('unknown-value')).toBeNull();

    await user.click(within(map).getByRole('button', { name: 'Add a row to accountRecordTypes' }));
    await user.type(within(map).getByLabelText('accountRecordTypes row 3 source value'), 'b2b');
    await user.click(screen.getByRole('button', { name: 'Save value maps' }));
    expect(screen.getByTestId('value-maps-problems').textContent)
      .toBe('accountRecordTypes, row 3: the source value "b2b" appears twice');
    expect(calls.filter((c) => c.method === 'PUT')).toHaveLength(0);

    const source = within(map).getByLabelText('accountRecordTypes row 3 source value');
    await user.clear(source);
    await user.type(source, 'partner');
    await user.type(within(map).getByLabelText('accountRecordTypes row 3 target value'), 'Business');
    await user.click(screen.getByRole('button', { name: 'Save value maps' }));
    await waitFor(() => expect(screen.getByTestId('value-maps-notice').textContent)
      .toBe(`Saved the value maps into ${FLOW}.yaml: version v2 (was v1).`));
    const puts = calls.filter((c) => c.method === 'PUT');
    expect(puts.map((c) => c.path)).toEqual([`${DEF}?dryRun=true&baseVersion=v1`, `${DEF}?baseVersion=v1`]);
    expect(puts[1].body).toEqual({ ...definition, picklists: {
      accountRecordTypes: { b2b: 'Consumer', b2c: 'Consumer', partner: 'Business' }, accountNaming: { b2c: 'person' } } });
    expect(puts[0].headers['X-Tandem-CSRF']).toBe('csrf');
  });

  it('removes a row and shows the loader\'s problems when the dry run refuses the flow', async () => {
    const calls = mockApi({
      [`GET ${DEF}`]: { body: defView },
      [`PUT ${DEF}`]: { status: 422, contentType: 'application/problem+json', body: {
        type: 'https://tandem.dev/problems/invalid_flow', title: 'The flow is not valid', status: 422, code: 'invalid_flow',
        detail: '1 problem(s): bad', problems: [{ path: 'picklists/accountNaming', message: 'a value must be a string' }] } },
    });
    const user = userEvent.setup();
    render(<ValueMapsPanel id={FLOW} canSave text={text} object="Account" targets={targets} />);
    const map = await screen.findByTestId('value-map-accountNaming');
    await user.click(within(map).getByRole('button', { name: 'Remove row 1 of accountNaming' }));
    expect(within(map).queryAllByRole('textbox')).toHaveLength(0);
    await user.click(screen.getByRole('button', { name: 'Save value maps' }));
    expect((await screen.findByTestId('value-maps-error')).textContent).toContain('The flow is not valid');
    expect(screen.getByTestId('value-maps-problems').textContent).toBe('picklists/accountNaming: a value must be a string');
    const puts = calls.filter((c) => c.method === 'PUT');
    expect(puts).toHaveLength(1);
    expect(puts[0].path).toContain('dryRun=true');
    expect((puts[0].body as typeof definition).picklists.accountNaming).toEqual({});
  });

  it('a viewer reads the maps without edit controls; a failed load is a readable message', async () => {
    mockApi({ [`GET ${DEF}`]: { body: defView } });
    const { unmount } = render(<ValueMapsPanel id={FLOW} canSave={false} text={text} object="Account" targets={targets} />);
    const map = await screen.findByTestId('value-map-accountRecordTypes');
    within(map).getAllByRole('textbox').forEach((i) => expect(i).toHaveProperty('readOnly', true));
    expect(screen.queryAllByRole('button')).toHaveLength(0);
    unmount();

    mockApi({ [`GET ${DEF}`]: { status: 404, contentType: 'application/problem+json', body: { title: 'Not found', status: 404, detail: "no flow 'x' is loaded" } } });
    render(<ValueMapsPanel id={FLOW} canSave text={text} object="Account" targets={targets} />);
    expect((await screen.findByRole('alert')).textContent).toContain("no flow 'x' is loaded");
  });
});

describe('lookup tables', () => {
  it('shows each table read-only with its key column, a truncated table and a broken file\'s problem', async () => {
    mockApi({
      [`GET /flows/${FLOW}/lookups`]: { body: { id: FLOW, items: [
        { name: 'big', file: 'tables/big.csv', key: 'sku', keyColumn: 'sku', columns: ['name', 'sku'],
          rows: [{ name: 'item 1', sku: 'S1' }, { name: 'item 2', sku: 'S2' }], size: 600, truncated: true },
        { name: 'later', file: 'tables/later.csv', key: null, columns: [], rows: [], size: 0, truncated: false,
          problem: "tables/later.csv: key 'a' appears twice (row 2)" },
        { name: 'empty', file: 'tables/e.yaml', key: null, keyColumn: 'key', columns: ['key'], rows: [], size: 0, truncated: false },
      ] } },
    });
    render(<LookupTablesPanel id={FLOW} />);
    const big = await screen.findByTestId('lookup-big');
    const table = within(big).getByRole('table');
    expect(within(table).getAllByRole('columnheader').map((h) => h.textContent)).toEqual(['name', 'sku (key)']);
    expect(within(table).getAllByRole('row')).toHaveLength(3);
    expect(big.textContent).toContain('The first 2 of 600 rows.');
    expect(within(screen.getByTestId('lookup-later')).getByRole('alert').textContent).toContain("key 'a' appears twice");
    expect(screen.getByTestId('lookup-empty').textContent).toContain('The table is empty.');
    expect(screen.queryAllByRole('textbox')).toHaveLength(0);
    expect(screen.queryAllByRole('button')).toHaveLength(0);
  });

  it('a failed load is a readable message', async () => {
    mockApi({ [`GET /flows/${FLOW}/lookups`]: { status: 403, contentType: 'application/problem+json', body: { title: 'Forbidden', status: 403, detail: 'not allowed' } } });
    render(<LookupTablesPanel id={FLOW} />);
    expect((await screen.findByRole('alert')).textContent).toContain('not allowed');
  });

  const wh = { name: 'warehouses', file: 'tables/warehouses.yaml', key: null, keyColumn: 'code', columns: ['code', 'cap'],
    rows: [{ code: 'AUS', cap: 5 }, { code: 'CHI', cap: 7 }], size: 2, truncated: false };
  const LOOKUPS = `/flows/${FLOW}/lookups`;

  it('flags empty and duplicate keys before saving', () => {
    expect(keyProblems('t', 'code', ['code'], [['a'], [' '], ['a']])).toEqual(['t, row 2: the key (code) is empty',
      't, row 3: the key "a" appears twice (first in row 1)']);
    expect(keyProblems('t', 'sku', ['code'], [])).toEqual(['t: the key column sku is missing']);
  });

  it('an admin edits a table, adds and removes rows and saves it with a dry run first', async () => {
    const calls = mockApi({
      [`GET ${LOOKUPS}`]: { body: { id: FLOW, items: [wh] } },
      [`PUT ${LOOKUPS}/warehouses`]: { body: { flow: FLOW, table: 'warehouses', file: '/f/tables/warehouses.yaml', version: 'v2' } },
    });
    render(<LookupTablesPanel id={FLOW} canSave />);
    await userEvent.click(await screen.findByRole('button', { name: 'Edit warehouses' }));
    await userEvent.clear(screen.getByLabelText('warehouses row 2 cap'));
    await userEvent.type(screen.getByLabelText('warehouses row 2 cap'), '9');
    await userEvent.click(screen.getByRole('button', { name: 'Add a row to warehouses' }));
    // A new row with an empty key, then a duplicate: said, nothing sent.
    await userEvent.click(screen.getByRole('button', { name: 'Save warehouses' }));
    expect(screen.getByTestId('lookup-tables-problems').textContent).toContain('row 3: the key (code) is empty');
    await userEvent.type(screen.getByLabelText('warehouses row 3 code'), 'AUS');
    await userEvent.click(screen.getByRole('button', { name: 'Save warehouses' }));
    expect(screen.getByTestId('lookup-tables-problems').textContent).toContain('"AUS" appears twice');
    expect(calls.filter((c) => c.method === 'PUT')).toHaveLength(0);
    await userEvent.clear(screen.getByLabelText('warehouses row 3 code'));
    await userEvent.type(screen.getByLabelText('warehouses row 3 code'), 'DEN');
    await userEvent.type(screen.getByLabelText('warehouses row 3 cap'), '3');
    await userEvent.click(screen.getByRole('button', { name: 'Remove row 1 of warehouses' }));
    await userEvent.click(screen.getByRole('button', { name: 'Save warehouses' }));
    expect((await screen.findByTestId('lookup-tables-notice')).textContent).toContain('Saved warehouses');
    const puts = calls.filter((c) => c.method === 'PUT');
    expect(puts.map((c) => c.path)).toEqual([`${LOOKUPS}/warehouses?dryRun=true`, `${LOOKUPS}/warehouses`]);
    // Row 1 (AUS) removed; cap was a column of numbers, so its cells are sent as numbers; codes as text.
    expect(puts[1].body).toEqual({ columns: ['code', 'cap'], rows: [['CHI', 9], ['DEN', 3]] });
  });

  it('the server\'s problems are shown and nothing is saved after a failed dry run', async () => {
    const calls = mockApi({
      [`GET ${LOOKUPS}`]: { body: { id: FLOW, items: [wh] } },
      [`PUT ${LOOKUPS}/warehouses`]: { status: 422, contentType: 'application/problem+json', body: {
        title: 'The lookup table is not valid', status: 422, detail: 'row 2, column cap: bad',
        problems: [{ row: 2, column: 'cap', message: 'row 2, column cap: bad' }] } },
    });
    render(<LookupTablesPanel id={FLOW} canSave />);
    await userEvent.click(await screen.findByRole('button', { name: 'Edit warehouses' }));
    await userEvent.click(screen.getByRole('button', { name: 'Save warehouses' }));
    expect((await screen.findByTestId('lookup-tables-error')).textContent).toContain('row 2, column cap: bad');
    expect(screen.getByTestId('lookup-tables-problems').textContent).toContain('row 2, column cap: bad');
    expect(calls.filter((c) => c.method === 'PUT')).toHaveLength(1);
  });

  it('viewers and operators (no canSave) get no edit controls', async () => {
    mockApi({ [`GET ${LOOKUPS}`]: { body: { id: FLOW, items: [wh] } } });
    render(<LookupTablesPanel id={FLOW} canSave={false} />);
    await screen.findByTestId('lookup-warehouses');
    expect(screen.queryAllByRole('button')).toHaveLength(0);
    expect(screen.queryAllByRole('textbox')).toHaveLength(0);
  });
});

describe('a large lookup table', () => {
  // The virtualizer measures its scroll box with clientHeight, which jsdom leaves at 0: give it 320 px.
  beforeEach(() => {
    Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 320 });
    Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 1000 });
  });
  afterEach(() => {
    delete (HTMLElement.prototype as unknown as Record<string, unknown>).clientHeight;
    delete (HTMLElement.prototype as unknown as Record<string, unknown>).clientWidth;
  });

  const LOOKUPS = `/flows/${FLOW}/lookups`;
  const N = 5_000;
  const big = {
    name: 'big', file: 'tables/big.csv', key: 'sku', keyColumn: 'sku', columns: ['name', 'sku'],
    rows: Array.from({ length: N }, (_, i) => ({ name: `item ${i + 1}`, sku: `S${i + 1}` })), size: N, truncated: false,
  };
  const rowsInDom = () => screen.getAllByTestId('lookup-row');

  it('finds rows holding a text, ignoring case', () => {
    expect(matchingRows([['a', 'Bx'], ['c', 'd'], ['bX', 'e']], ' bx ')).toEqual([0, 2]);
    expect(matchingRows([['a'], ['b']], '')).toEqual([0, 1]);
  });

  it('an admin edits one cell of a 5,000-row table found by search, and the whole table is saved', async () => {
    const calls = mockApi({
      [`GET ${LOOKUPS}`]: { body: { id: FLOW, maxRows: 10_000, maxBodyBytes: 1_048_576, items: [big] } },
      [`PUT ${LOOKUPS}/big`]: { body: { flow: FLOW, table: 'big', file: '/f/tables/big.csv', version: 'v2' } },
    });
    render(<LookupTablesPanel id={FLOW} canSave />);
    await screen.findByTestId('lookup-big');
    // Read-only, only a screenful of the 5,000 rows is in the DOM.
    expect(rowsInDom().length).toBeLessThan(40);
    await userEvent.click(screen.getByRole('button', { name: 'Edit big' }));
    expect(rowsInDom().length).toBeLessThan(40);
    expect(screen.queryByLabelText('big row 4321 name')).toBeNull();

    await userEvent.type(screen.getByRole('searchbox', { name: 'Find in big' }), 'S4321');
    expect(screen.getByTestId('lookup-big-shown').textContent).toBe('1 of 5,000 rows');
    const cellInput = screen.getByLabelText('big row 4321 name');
    // Edited so it no longer holds the search text, the row stays in view while it is edited.
    await userEvent.clear(cellInput);
    await userEvent.type(cellInput, 'renamed');
    expect(screen.getByLabelText('big row 4321 name')).toHaveProperty('value', 'renamed');
    await userEvent.clear(screen.getByRole('searchbox', { name: 'Find in big' }));
    expect(screen.getByTestId('lookup-big-shown').textContent).toBe('5,000 rows');

    await userEvent.click(screen.getByRole('button', { name: 'Save big' }));
    expect((await screen.findByTestId('lookup-tables-notice')).textContent).toContain('Saved big');
    const puts = calls.filter((c) => c.method === 'PUT');
    expect(puts.map((c) => c.path)).toEqual([`${LOOKUPS}/big?dryRun=true`, `${LOOKUPS}/big`]);
    const sent = (puts[1].body as { rows: string[][] }).rows;
    expect(sent).toHaveLength(N);
    const expected = big.rows.map((r) => [r.name, r.sku]);
    expected[4320] = ['renamed', 'S4321'];
    expect(sent).toEqual(expected);
  });

  it('scrolling shows the rows further down; a removed row leaves the search results in order', async () => {
    mockApi({ [`GET ${LOOKUPS}`]: { body: { id: FLOW, items: [big] } } });
    render(<LookupTablesPanel id={FLOW} canSave />);
    await userEvent.click(await screen.findByRole('button', { name: 'Edit big' }));
    const scroller = screen.getByTestId('lookup-big-scroller');
    await act(async () => {
      scroller.scrollTop = 3_000 * 34;
      fireEvent.scroll(scroller);
    });
    await waitFor(() => expect(screen.getByLabelText('big row 3001 sku')).toBeTruthy());
    expect(screen.queryByLabelText('big row 1 sku')).toBeNull();

    await userEvent.type(screen.getByRole('searchbox', { name: 'Find in big' }), 'item 4999');
    expect(screen.getByTestId('lookup-big-shown').textContent).toBe('1 of 5,000 rows');
    await userEvent.clear(screen.getByRole('searchbox', { name: 'Find in big' }));
    await userEvent.type(screen.getByRole('searchbox', { name: 'Find in big' }), 'item 499');
    // item 499, item 4990 … item 4999
    expect(screen.getByTestId('lookup-big-shown').textContent).toBe('11 of 5,000 rows');
    await userEvent.click(screen.getByRole('button', { name: 'Remove row 499 of big' }));
    expect(screen.getByTestId('lookup-big-shown').textContent).toBe('10 of 4,999 rows');
    // Row 4990 (item 4990) is now row 4989.
    expect(screen.getByLabelText('big row 4989 name')).toHaveProperty('value', 'item 4990');
  });

  it('a table over the server\'s body limit is refused before anything is sent, saying what to do', async () => {
    const calls = mockApi({ [`GET ${LOOKUPS}`]: { body: { id: FLOW, maxRows: 10_000, maxBodyBytes: 50_000, items: [big] } } });
    render(<LookupTablesPanel id={FLOW} canSave />);
    await userEvent.click(await screen.findByRole('button', { name: 'Edit big' }));
    await userEvent.click(screen.getByRole('button', { name: 'Save big' }));
    expect(screen.getByTestId('lookup-tables-problems').textContent).toMatch(
      /^big is [\d,]+ bytes as sent; a save from the console holds at most 50,000 bytes \(1 MiB\): edit tables\/big\.csv outside the console/);
    expect(calls.filter((c) => c.method === 'PUT')).toHaveLength(0);
  });

  it('the server\'s 413 is shown as it says', async () => {
    mockApi({
      [`GET ${LOOKUPS}`]: { body: { id: FLOW, items: [big] } },
      [`PUT ${LOOKUPS}/big`]: { status: 413, contentType: 'application/problem+json', body: {
        title: 'The lookup table is too large to save here', status: 413,
        detail: 'the table big is 2000000 bytes as sent; a save from the console holds at most 1048576 bytes (1 MiB)' } },
    });
    render(<LookupTablesPanel id={FLOW} canSave />);
    await userEvent.click(await screen.findByRole('button', { name: 'Edit big' }));
    await userEvent.click(screen.getByRole('button', { name: 'Save big' }));
    expect((await screen.findByTestId('lookup-tables-error')).textContent).toContain('at most 1048576 bytes');
  });

  it('an operator reads and searches a large table without inputs; a table over 10,000 rows is not editable', async () => {
    const cut = { ...big, name: 'huge', file: 'tables/huge.csv', size: 10_001, truncated: true };
    mockApi({ [`GET ${LOOKUPS}`]: { body: { id: FLOW, maxRows: 10_000, items: [big, cut] } } });
    const { unmount } = render(<LookupTablesPanel id={FLOW} canSave={false} />);
    const table = await screen.findByTestId('lookup-big');
    expect(N).toBeGreaterThan(VIRTUAL_ROWS);
    expect(screen.queryAllByRole('textbox')).toHaveLength(0);
    expect(screen.queryAllByRole('button')).toHaveLength(0);
    await userEvent.type(within(table).getByRole('searchbox', { name: 'Find in big' }), 'S77');
    expect(within(table).getByTestId('lookup-big-shown').textContent).toBe('11 of 5,000 rows'); // S77, S770 … S779
    expect(within(table).getAllByRole('row')[1].textContent).toBe('item 77S77');
    unmount();

    mockApi({ [`GET ${LOOKUPS}`]: { body: { id: FLOW, maxRows: 10_000, items: [cut] } } });
    render(<LookupTablesPanel id={FLOW} canSave />);
    const huge = await screen.findByTestId('lookup-huge');
    expect(huge.textContent).toContain('The first 5,000 of 10,001 rows (a table longer than 10,000 rows is edited in its file).');
    expect(within(huge).queryByRole('button', { name: 'Edit huge' })).toBeNull();
  });
});
