/// <reference types="vite/client" />
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { setCsrfToken } from '../api';
import MappingPage from '../pages/Mapping';
import { matchingFunctions, wordAt } from '../pages/mapping/functions';
import { entities, fieldsBlock, pathExpression, records, removeField, setField, sourcesOf } from '../pages/mapping/mappingText';
import { acceptable } from '../pages/mapping/Panels';
import type { MappingView, PreviewView, SuggestionsView } from '../pages/mapping/types';
// The shipped order mapping itself: the canvas must read and edit the real file, comments, functions and all.
import orderMapping from '../../../tandem-server/src/main/resources/flows/clarity-order-to-salesforce.jsonata?raw';
import { mockApi, type Call } from './fetchMock';

beforeEach(() => {
  vi.unstubAllGlobals();
  setCsrfToken('csrf');
});

describe('mapping text', () => {
  it('finds the Order record\'s fields in the shipped order mapping', () => {
    expect(entities(orderMapping)).toEqual(['OrderItem', 'Account', 'Contact', 'Order']);
    const order = fieldsBlock(orderMapping, 'Order');
    expect(order).not.toBeNull();
    const names = order!.entries.map((e) => e.name);
    expect(names).toEqual(['AccountId', 'BillToContactId', 'Pricebook2Id', 'Name', 'EffectiveDate', 'Status',
      'PoNumber', 'Description', 'BillingStreet', 'BillingCity', 'BillingState', 'BillingPostalCode', 'BillingCountry']);
    expect(order!.entries.find((e) => e.name === 'Pricebook2Id')?.expression).toBe('{ "enrich": "standardPricebook" }');
    expect(order!.entries.find((e) => e.name === 'Description')?.expression)
      .toBe('"Clarity order " & $orderKey & (TypeKey ? " (" & TypeKey & ")" : "")');
    // $merge([{...}, ...]): the Contact's fields are the first object inside
    expect(fieldsBlock(orderMapping, 'Contact')!.entries.map((e) => e.name)).toContain('MailingCountry');
    expect(fieldsBlock(orderMapping, 'Opportunity')).toBeNull();
  });

  it('adds, replaces and removes one entry and leaves the rest of the text as it was', () => {
    const added = setField(orderMapping, 'Order', 'Clarity_Total__c', 'Totals.Total');
    expect(added).toContain('"BillingCountry": $billingCc,\n          "Clarity_Total__c": Totals.Total\n');
    expect(added.replace(',\n          "Clarity_Total__c": Totals.Total', '')).toBe(orderMapping);
    expect(fieldsBlock(added, 'Order')!.entries.at(-1)).toMatchObject({ name: 'Clarity_Total__c', expression: 'Totals.Total' });

    const replaced = setField(added, 'Order', 'PoNumber', '$uppercase(PurchaseOrderNumber)');
    expect(fieldsBlock(replaced, 'Order')!.entries.find((e) => e.name === 'PoNumber')?.expression)
      .toBe('$uppercase(PurchaseOrderNumber)');
    // the Account's and the OrderItems' fields are untouched
    expect(fieldsBlock(replaced, 'Account')).toEqual(fieldsBlock(orderMapping, 'Account'));

    expect(removeField(added, 'Order', 'Clarity_Total__c')).toBe(orderMapping);
    const withoutFirst = removeField(orderMapping, 'Order', 'AccountId');
    expect(fieldsBlock(withoutFirst, 'Order')!.entries[0].name).toBe('BillToContactId');
    expect(() => setField(orderMapping, 'Opportunity', 'Name', 'x')).toThrow(/no record with "entity": "Opportunity"/);
    expect(() => setField(orderMapping, 'Order', 'Name', '  ')).toThrow(/empty/);
  });

  it('lists each record of an entity with a readable label and edits only the chosen one', () => {
    // the shipped order flow: the charge line ($charge, defined first) and the product lines (SalesItems.{...})
    const items = records(orderMapping, 'OrderItem');
    expect(items.map((r) => r.label)).toEqual([
      '1. ref "charge" & $n, made by function $charge',
      '2. ref "item" & $string(ID), one per SalesItems',
    ]);
    expect(records(orderMapping, 'Order').map((r) => r.label)).toEqual(['1. ref "order", one record']);
    expect(records(orderMapping, 'Opportunity')).toEqual([]);
    expect(fieldsBlock(orderMapping, 'OrderItem')!.entries.find((e) => e.name === 'UnitPrice')?.expression).toBe('$amount');
    const product = fieldsBlock(orderMapping, 'OrderItem', 1)!;
    expect(product.entries.find((e) => e.name === 'UnitPrice')?.expression).toBe('UnitSoldPrice');
    expect(fieldsBlock(orderMapping, 'OrderItem', 2)).toBeNull();

    const changed = setField(orderMapping, 'OrderItem', 'UnitPrice', '$round(UnitSoldPrice, 2)', 1);
    expect(fieldsBlock(changed, 'OrderItem', 1)!.entries.find((e) => e.name === 'UnitPrice')?.expression)
      .toBe('$round(UnitSoldPrice, 2)');
    expect(fieldsBlock(changed, 'OrderItem', 0)).toEqual(fieldsBlock(orderMapping, 'OrderItem', 0));
    expect(changed.replace('"UnitPrice": $round(UnitSoldPrice, 2)', '"UnitPrice": UnitSoldPrice')).toBe(orderMapping);
    const added = setField(orderMapping, 'OrderItem', 'ServiceDate', '$substring(CreatedDate, 0, 10)', 1);
    expect(fieldsBlock(added, 'OrderItem', 1)!.entries.at(-1)?.name).toBe('ServiceDate');
    expect(fieldsBlock(added, 'OrderItem', 0)!.entries.map((e) => e.name)).not.toContain('ServiceDate');
    expect(removeField(added, 'OrderItem', 'ServiceDate', 0)).toBe(added); // record 1 has no such entry
    expect(removeField(added, 'OrderItem', 'ServiceDate', 1)).toBe(orderMapping);
    expect(() => setField(orderMapping, 'OrderItem', 'X', '1', 2)).toThrow(/no record 3 with "entity": "OrderItem"/);
  });

  it('labels records made by an anonymous function, with a long ref clipped, and ignores a commented one', () => {
    const t = '/* {"entity": "A", "fields": {}} */ [$map(Lines, function($l) { {"ref": "line-" & $l.Id & "-" & $l.Sku & "-with-a-long-suffix",'
      + ' "entity": "A", "fields": {"N": $l.Id}} }), Head.{"entity": "A", "fields": {"N": Id}}]';
    const rs = records(t, 'A');
    expect(rs.map((r) => r.produced)).toEqual(['made by a function', 'one per Head']);
    expect(rs[0].ref).toBe('"line-" & $l.Id & "-" & $l.Sku & "-with…');
    expect(fieldsBlock(t, 'A', 1)!.entries.map((e) => e.expression)).toEqual(['Id']);
  });

  it('keeps a hostile field name a JSON string key', () => {
    const t = setField('{"entity": "X", "fields": {"A": 1}}', 'X', 'B"});$x:=1;({"', '2');
    expect(t).toBe('{"entity": "X", "fields": {"A": 1, "B\\"});$x:=1;({\\"": 2}}');
    expect(fieldsBlock(t, 'X')!.entries.map((e) => e.expression)).toEqual(['1', '2']);
  });

  it('ignores entities and braces inside comments and strings', () => {
    const t = '/* "entity": "Order", "fields": { "Fake": 1 } */ {"entity": "Order", "fields": { "Name": "}{" & X, "N": Y.Z }}';
    expect(fieldsBlock(t, 'Order')!.entries.map((e) => [e.name, e.expression]))
      .toEqual([['Name', '"}{" & X'], ['N', 'Y.Z']]);
  });

  it('knows which source paths an expression reads', () => {
    const paths = ['Totals.Total', 'Totals.Tax', 'CustomKey', 'SalesItems[].Sku', 'ID'];
    expect(sourcesOf('$round(Totals.Total, 2)', paths)).toEqual(['Totals.Total']);
    expect(sourcesOf('$contact.CustomKey', paths)).toEqual([]);
    expect(sourcesOf('CustomKey ? CustomKey : "SO-" & $string(ID)', paths)).toEqual(['CustomKey', 'ID']);
    expect(sourcesOf('"Totals.Total" /* Totals.Tax */', paths)).toEqual([]);
    expect(sourcesOf('$join(SalesItems.Sku, ",")', paths)).toEqual(['SalesItems[].Sku']);
    expect(pathExpression('SalesItems[].Sku')).toBe('SalesItems.Sku');
    expect(pathExpression('billing address.zip')).toBe('`billing address`.zip');
  });

  it('offers functions for the word being typed', () => {
    expect(wordAt('$round(Totals.Total) & $up', 26)).toBe('$up');
    expect(wordAt('Totals.Total', 5)).toBeNull();
    expect(matchingFunctions('$toE')[0].signature).toBe('$toE164(phone, region?)');
    expect(matchingFunctions('$up').map((f) => f.name)).toContain('$uppercase');
  });
});

const sourceFields = [
  { path: 'CustomKey', type: 'string', sample: 'SO-5001' },
  { path: 'Totals.Total', type: 'number', sample: '226.5' },
  { path: 'PurchaseOrderNumber', type: 'string', sample: 'PO-77' },
];
const targetFields = [
  { name: 'Name', label: 'Order Name', type: 'string', length: 80, createable: true, updateable: true, nillable: true, defaultedOnCreate: false, required: false, picklistValues: [] },
  { name: 'EffectiveDate', label: 'Order Start Date', type: 'date', length: 0, createable: true, updateable: true, nillable: false, defaultedOnCreate: false, required: true, picklistValues: [] },
  { name: 'Clarity_Total__c', label: 'Clarity Total', type: 'currency', length: 0, createable: true, updateable: true, nillable: true, defaultedOnCreate: false, required: false, picklistValues: [] },
  { name: 'TotalAmount', label: 'Order Amount', type: 'currency', length: 0, createable: false, updateable: false, nillable: true, defaultedOnCreate: false, required: false, picklistValues: [] },
];
const mappingText = '{"root": "order", "records": [{"ref": "order", "entity": "Order", "keyField": "K", "key": CustomKey,\n'
  + '  "fields": {\n    "Name": CustomKey\n  }}]}';
const view: MappingView = {
  flow: 'clarity-order-to-salesforce', version: 'abc123def456', file: 'clarity-order-to-salesforce.jsonata',
  shipped: true, writable: true, source: 'clarity', text: mappingText, objects: ['Order'], object: 'Order',
  sourceFields, targetFields,
};
function preview(fields: Record<string, unknown>): PreviewView {
  return {
    flow: view.flow, version: 'v2', outcome: { result: 'write', message: 'would write the plan' }, steps: [],
    validation: [{ step: 'validate', request: 'rules', outcome: 'OK', detail: '7 rules passed' }],
    output: [{ ref: 'order', entity: 'Order', keyField: 'K', key: 'SO-5001', fields }],
    plan: { target: 'salesforce', root: 'order', objects: [{ ref: 'order', entity: 'Order', operation: 'upsert by K = SO-5001', fields: 1 }], calls: ['POST /composite/graph'] },
    record: {}, sourceFields,
  };
}
const suggestions: SuggestionsView = {
  flow: view.flow, sourceSystem: 'clarity', object: 'Order', excludedTargets: [],
  items: [
    { source: 'Totals.Total', suggestions: [{ target: 'Clarity_Total__c', score: 0.91, expression: 'Totals.Total', reasons: ['name: total'], fromEarlierAccept: true }] },
    { source: 'PurchaseOrderNumber', suggestions: [{ target: 'Name', score: 0.62, expression: 'PurchaseOrderNumber', reasons: ['type'], fromEarlierAccept: false }] },
  ],
};

function routes(previewCalls: Call[]) {
  return {
    'GET /flows/clarity-order-to-salesforce/mapping': { body: view },
    'POST /flows/clarity-order-to-salesforce/mapping/preview': (c: Call) => {
      previewCalls.push(c);
      const text = (c.body as { mapping: string }).mapping;
      if (text.includes('((')) {
        return { status: 422, body: { title: 'The mapping does not compile', detail: 'line 3, column 20: expected )', code: 'invalid_mapping' } };
      }
      return { body: preview(text.includes('Clarity_Total__c') ? { Name: 'SO-5001', Clarity_Total__c: 226.5 } : { Name: 'SO-5001' }) };
    },
    'POST /flows/clarity-order-to-salesforce/mapping/suggestions': { body: suggestions },
    'POST /mapping/decisions': { status: 201, body: { recorded: 1 } },
    'PUT /flows/clarity-order-to-salesforce/mapping': { body: { flow: view.flow, file: '/data/flows/x.jsonata', previousVersion: 'abc', version: 'def' } },
    // the value-map and lookup-table panels below the canvas (tables.test.tsx tests them)
    'GET /flows/clarity-order-to-salesforce/definition': { body: { id: view.flow, version: 'abc', file: 'x.yaml', shipped: true, editable: true, definition: { id: view.flow } } },
    'GET /flows/clarity-order-to-salesforce/lookups': { body: { id: view.flow, items: [] } },
  };
}

describe('mapping canvas', () => {
  it('flags required unmapped targets, maps with the keyboard, previews the value and saves as admin', async () => {
    const previews: Call[] = [];
    const calls = mockApi(routes(previews));
    render(<MappingPage id="clarity-order-to-salesforce" role="admin" />);
    const effective = await screen.findByTestId('target-EffectiveDate');
    expect(effective.textContent).toContain('required · unmapped');
    expect(screen.getByTestId('target-Name').textContent).not.toContain('unmapped');
    expect(screen.queryByTestId('target-TotalAmount')).toBeNull(); // read-only: not a mapping target
    await waitFor(() => expect(previews.length).toBe(1));
    expect(await screen.findByTestId('preview-outcome')).toHaveProperty('textContent', 'Would write: would write the plan');

    await userEvent.click(within(screen.getByTestId('source-Totals.Total')).getByRole('button', { name: 'Totals.Total' }));
    await userEvent.click(within(screen.getByTestId('target-Clarity_Total__c')).getByRole('button', { name: 'Clarity_Total__c' }));
    await userEvent.click(screen.getByRole('button', { name: 'Map Totals.Total → Clarity_Total__c' }));
    expect(screen.getByTestId('expr-Clarity_Total__c').textContent).toBe('Totals.Total');
    await waitFor(() => expect(previews.length).toBe(2));
    expect((previews[1].body as { mapping: string }).mapping).toContain('"Name": CustomKey,\n    "Clarity_Total__c": Totals.Total\n');
    await waitFor(() => expect(screen.getByLabelText('Mapped fields of order').textContent).toContain('"Clarity_Total__c": 226.5'));

    await userEvent.click(screen.getByRole('button', { name: 'Save mapping' }));
    await screen.findByText(/Saved \/data\/flows\/x.jsonata: version def/);
    const put = calls.find((c) => c.method === 'PUT');
    expect((put?.body as { text: string }).text).toContain('"Clarity_Total__c": Totals.Total');
    expect(put?.headers['X-Tandem-CSRF']).toBe('csrf');
  });

  it('maps by dropping a source on a target', async () => {
    mockApi(routes([]));
    render(<MappingPage id="clarity-order-to-salesforce" role="admin" />);
    const target = await screen.findByTestId('target-Clarity_Total__c');
    const data = new Map<string, string>();
    const dataTransfer = { setData: (k: string, v: string) => data.set(k, v), getData: (k: string) => data.get(k) ?? '', effectAllowed: '', dropEffect: '' };
    const { fireEvent } = await import('@testing-library/react');
    fireEvent.dragStart(screen.getByTestId('source-Totals.Total'), { dataTransfer });
    fireEvent.dragOver(target, { dataTransfer });
    fireEvent.drop(target, { dataTransfer });
    expect(screen.getByTestId('expr-Clarity_Total__c').textContent).toBe('Totals.Total');
    expect(screen.getByTestId('notice').textContent).toBe('Mapped Totals.Total → Clarity_Total__c');
  });

  it('edits an expression with the function list and shows a syntax error from the server', async () => {
    mockApi(routes([]));
    render(<MappingPage id="clarity-order-to-salesforce" role="admin" />);
    await userEvent.click(await screen.findByRole('button', { name: 'Edit the expression for Name' }));
    const area = screen.getByLabelText('JSONata expression for Name');
    await userEvent.clear(area);
    await userEvent.type(area, '$upp');
    await userEvent.click(screen.getByRole('button', { name: /Insert \$uppercase\(str\)/ }));
    expect((area as HTMLTextAreaElement).value).toBe('$uppercase()');
    await userEvent.type(area, '((CustomKey');
    await userEvent.click(screen.getByRole('button', { name: 'Apply to Name' }));
    expect(await screen.findByTestId('preview-error', {}, { timeout: 3000 }))
      .toHaveProperty('textContent', 'The mapping does not compile: line 3, column 20: expected )');
  });

  it('shows suggestions with reasons; accepting records the decision and applies it; a viewer has no buttons', async () => {
    const calls = mockApi(routes([]));
    render(<MappingPage id="clarity-order-to-salesforce" role="operator" />);
    await userEvent.click(await screen.findByRole('button', { name: 'Suggest mappings' }));
    const s = await screen.findByTestId('suggestion-Totals.Total-Clarity_Total__c');
    expect(s.textContent).toContain('0.91');
    expect(s.textContent).toContain('from an earlier accept');
    expect(s.textContent).toContain('name: total');
    expect(screen.queryByTestId('expr-Clarity_Total__c')).toBeNull(); // nothing applied without a click
    expect(screen.queryByRole('button', { name: 'Save mapping' })).toBeNull(); // operators do not save
    await userEvent.click(screen.getByRole('button', { name: 'Accept Totals.Total → Clarity_Total__c' }));
    await waitFor(() => expect(screen.getByTestId('expr-Clarity_Total__c').textContent).toBe('Totals.Total'));
    expect(calls.find((c) => c.path === '/mapping/decisions')?.body).toEqual({
      flow: 'clarity-order-to-salesforce', object: 'Order',
      decisions: [{ source: 'Totals.Total', target: 'Clarity_Total__c', accepted: true }],
    });
    await userEvent.click(screen.getByRole('button', { name: 'Reject PurchaseOrderNumber → Name' }));
    await waitFor(() => expect(screen.queryByTestId('suggestion-PurchaseOrderNumber-Name')).toBeNull());
    expect(calls.filter((c) => c.path === '/mapping/decisions').at(-1)?.body).toMatchObject({
      decisions: [{ source: 'PurchaseOrderNumber', target: 'Name', accepted: false }],
    });
  });

  it('edits the record chosen among the object\'s records and saves only that record\'s change', async () => {
    const two = '(\n  $charge := function($a) { {"ref": "charge", "entity": "OrderItem", "fields": {"UnitPrice": $a}} };\n'
      + '  {"records": $append(SalesItems.{"ref": "item" & $string(ID), "entity": "OrderItem", "fields": {\n'
      + '    "Quantity": Quantity\n  }}, [$charge(Totals.Tax)])}\n)';
    const itemTargets = [
      { ...targetFields[0], name: 'Quantity', label: 'Quantity', type: 'double' },
      { ...targetFields[0], name: 'UnitPrice', label: 'Unit Price', type: 'currency' },
    ];
    const calls = mockApi({ ...routes([]), 'GET /flows/clarity-order-to-salesforce/mapping': { body: {
      ...view, text: two, objects: ['Order', 'OrderItem'], object: 'OrderItem', targetFields: itemTargets,
      sourceFields: [{ path: 'SalesItems[].UnitSoldPrice', type: 'number', sample: '10' }] } } });
    render(<MappingPage id="clarity-order-to-salesforce" role="admin" />);
    const chooser = await screen.findByLabelText('Record');
    expect(within(chooser).getAllByRole('option').map((o) => o.textContent)).toEqual([
      '1. ref "charge", made by function $charge', '2. ref "item" & $string(ID), one per SalesItems']);
    expect(screen.getByTestId('expr-UnitPrice').textContent).toBe('$a'); // the first record, as before
    await userEvent.selectOptions(chooser, '1');
    expect(screen.queryByTestId('expr-UnitPrice')).toBeNull();
    expect(screen.getByTestId('expr-Quantity').textContent).toBe('Quantity');
    await userEvent.click(screen.getByRole('button', { name: 'Write the expression for UnitPrice' }));
    await userEvent.type(screen.getByLabelText('JSONata expression for UnitPrice'), 'UnitSoldPrice');
    await userEvent.click(screen.getByRole('button', { name: 'Apply to UnitPrice' }));
    expect(screen.getByTestId('notice').textContent).toBe('Set the expression of UnitPrice in record 2 of OrderItem');
    await userEvent.click(screen.getByRole('button', { name: 'Save mapping' }));
    await screen.findByText(/Saved/);
    const put = calls.find((c) => c.method === 'PUT')?.body as { text: string };
    expect(put.text).toBe(two.replace('"Quantity": Quantity\n', '"Quantity": Quantity,\n    "UnitPrice": UnitSoldPrice\n'));
  });

  it('draws a line for every source path the server says an expression reads, following the previewed text', async () => {
    const text = '{"records": [{"ref": "order", "entity": "Order", "fields": {\n'
      + '  "Name": $round(Totals.Total + Totals.Tax, 2),\n  "EffectiveDate": "Totals.Total"\n}}]}';
    const sources = [...sourceFields, { path: 'Totals.Tax', type: 'number', sample: '5' }];
    const reads = (fields: Record<string, string[]>) => [{ entity: 'Order', index: 0, context: '', fields }];
    const previews: Call[] = [];
    mockApi({ ...routes([]),
      'GET /flows/clarity-order-to-salesforce/mapping': { body: { ...view, text, sourceFields: sources,
        reads: reads({ Name: ['Totals.Total', 'Totals.Tax'], EffectiveDate: [] }) } },
      'POST /flows/clarity-order-to-salesforce/mapping/preview': (c: Call) => {
        previews.push(c);
        // the server's answer for the edited text: PurchaseOrderNumber read through $$ (no such text to match)
        return { body: { ...preview({}), sourceFields: sources, reads: reads({ Name: ['Totals.Total', 'Totals.Tax'],
          EffectiveDate: [], Clarity_Total__c: ['PurchaseOrderNumber'] }) } };
      } });
    render(<MappingPage id="clarity-order-to-salesforce" role="admin" />);
    await screen.findByTestId('target-Name');
    const lines = () => [...document.querySelectorAll('[data-line]')].map((l) => l.getAttribute('data-line')).sort();
    // two lines for Name; none for the string literal that looks like a path
    await waitFor(() => expect(lines()).toEqual(['Totals.Tax->Name', 'Totals.Total->Name']));
    await waitFor(() => expect(previews.length).toBe(1));

    await userEvent.click(screen.getByRole('button', { name: 'Write the expression for Clarity_Total__c' }));
    await userEvent.type(screen.getByLabelText('JSONata expression for Clarity_Total__c'), '$$.PurchaseOrderNumber');
    await userEvent.click(screen.getByRole('button', { name: 'Apply to Clarity_Total__c' }));
    await waitFor(() => expect(previews.length).toBe(2));
    await waitFor(() => expect(lines()).toEqual(['PurchaseOrderNumber->Clarity_Total__c', 'Totals.Tax->Name',
      'Totals.Total->Name']));
  });

  it('accept all takes the best per field at or above the threshold and never a mapped target', () => {
    expect(acceptable(suggestions, 0.6, new Set()).map((p) => p.s.target)).toEqual(['Clarity_Total__c', 'Name']);
    expect(acceptable(suggestions, 0.6, new Set(['Name'])).map((p) => p.s.target)).toEqual(['Clarity_Total__c']);
    expect(acceptable(suggestions, 0.95, new Set())).toEqual([]);
  });

  it('a viewer sees the canvas without save or decision buttons, and a failed load is a readable message', async () => {
    mockApi(routes([]));
    render(<MappingPage id="clarity-order-to-salesforce" role="viewer" />);
    await screen.findByTestId('target-Name');
    await userEvent.click(screen.getByRole('button', { name: 'Suggest mappings' }));
    await screen.findByTestId('suggestion-Totals.Total-Clarity_Total__c');
    expect(screen.queryByRole('button', { name: /Accept/ })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Save mapping' })).toBeNull();

    vi.unstubAllGlobals();
    mockApi({ 'GET /flows/nope/mapping': { status: 404, body: { title: 'Not found', detail: "no flow 'nope' is loaded" } } });
    render(<MappingPage id="nope" role="admin" />);
    expect((await screen.findAllByRole('alert')).at(-1)?.textContent).toContain("Not found: no flow 'nope' is loaded");
  });
});
