/// <reference types="vite/client" />
// The designer's model against the shipped flows: toFlow(fromFlow(x)) is x for every one of them (read with the
// yaml package, as Git has them), and the editing operations change exactly what they say.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { addBranch, addBranchStep, addStep, branchesOf, branchNodeId, branchRefOf, branchStep, fromFlow, moveBranchStep, moveStep,
  removeBranch, removeBranchStep, removeStep, toFlow, updateBranchStep, updateStep, type Json, type JsonObject } from '../pages/designer/model';
import { toGraph } from '../pages/designer/graph';
import { eipName, newStepConfig, stepSchema, stepTypes } from '../pages/designer/schema';

// The files as the repository has them (Vite reads them at test time; no Node types needed).
const files = import.meta.glob('../../../tandem-server/src/main/resources/flows/*.yaml',
  { query: '?raw', import: 'default', eager: true }) as Record<string, string>;
const schemaText = Object.values(import.meta.glob('../../../docs/flow.schema.json',
  { query: '?raw', import: 'default', eager: true }) as Record<string, string>)[0];
const byName: Record<string, string> = Object.fromEntries(Object.entries(files)
  .map(([path, text]) => [path.slice(path.lastIndexOf('/') + 1), text]));
const shipped = Object.keys(byName).sort();
const read = (f: string) => parse(byName[f]) as JsonObject;
const schema = JSON.parse(schemaText);

describe('flow designer model', () => {
  it('finds the shipped flows', () => {
    expect(shipped.length).toBeGreaterThanOrEqual(9);
  });

  it.each(shipped)('round-trips %s exactly, key order included', (file: string) => {
    const flow = read(file);
    const back = toFlow(fromFlow(flow));
    expect(back).toStrictEqual(flow);
    expect(JSON.stringify(back)).toBe(JSON.stringify(flow));
  });

  it.each(shipped)('draws %s: a trigger, a node per step and the error path', (file: string) => {
    const model = fromFlow(read(file));
    const { nodes, edges } = toGraph(model);
    expect(nodes.find((n) => n.id === 'trigger')).toBeDefined();
    for (const s of model.steps) {
      expect(nodes.find((n) => n.id === s.uid)?.data.title).toBe(eipName(s.kind));
    }
    expect(nodes.find((n) => n.id === 'retry')).toBeDefined();
    expect(nodes.find((n) => n.id === 'dead-letter')).toBeDefined();
    expect(edges.some((e) => e.source === 'retry' && e.target === 'dead-letter')).toBe(true);
  });

  it('draws a content-based router with its branches', () => {
    const model = fromFlow(read('clarity-customer-to-salesforce.yaml'));
    const choice = model.steps.find((s) => s.kind === 'choice')!;
    const { nodes, edges } = toGraph(model);
    const branchEdges = edges.filter((e) => e.source === choice.uid && e.id.startsWith('branch'));
    expect(branchEdges.length).toBeGreaterThanOrEqual(1);
    expect(nodes.filter((n) => n.parentStep === choice.uid).length).toBeGreaterThanOrEqual(1);
  });

  it('draws every branch step with the id the designer edits it by, and guards a branch fetch with the retry policy', () => {
    const model = fromFlow(read('clarity-customer-to-salesforce.yaml'));
    const choice = model.steps.find((s) => s.kind === 'choice')!;
    const branches = branchesOf(choice.config);
    expect(branches.map((b) => b.otherwise)).toStrictEqual([false, false, true]);
    expect(branches[0].condition).toBe("$event.entity = 'Contact'");
    const { nodes, edges } = toGraph(model);
    branches.forEach((b, bi) => b.steps.forEach((_, si) => {
      const id = branchNodeId({ router: choice.uid, branch: bi, index: si });
      expect(nodes.find((n) => n.id === id)?.parentStep).toBe(choice.uid);
      expect(branchRefOf(model, id)).toStrictEqual({ router: choice.uid, branch: bi, index: si });
    }));
    const contactFetch = branchNodeId({ router: choice.uid, branch: 0, index: 0 });
    expect(edges.find((e) => e.id === `guard-${contactFetch}`)?.target).toBe('retry');
    expect(new Set(edges.map((e) => e.id)).size).toBe(edges.length);
    // Ids that name no branch place of this model name nothing.
    expect(branchRefOf(model, `${choice.uid}-b3-0`)).toBeNull();
    expect(branchRefOf(model, `${choice.uid}-b0-9`)).toBeNull();
    expect(branchRefOf(model, `${model.steps[model.steps.length - 1].uid}-b0-0`)).toBeNull();
    expect(branchRefOf(model, `${choice.uid}-b2`)).toStrictEqual({ router: choice.uid, branch: 2, index: -1 });
  });

  it('edits, adds, moves and removes the steps of a branch, and nothing else', () => {
    const flow = read('clarity-customer-to-salesforce.yaml');
    const model = fromFlow(flow);
    const choice = model.steps.find((s) => s.kind === 'choice')!;
    const at = model.steps.indexOf(choice);
    const filterRef = { router: choice.uid, branch: 0, index: 1 };
    const filter = branchStep(model, filterRef)!;
    expect(filter.kind).toBe('filter');
    const config = { ...(filter.config as JsonObject), reason: 'edited' };

    const edited = toFlow(updateBranchStep(model, filterRef, config));
    const expected = structuredClone(flow) as JsonObject;
    const when = ((expected.steps as JsonObject[])[at].choice as JsonObject).when as JsonObject[];
    (when[0].steps as Json[])[1] = { filter: config };
    expect(edited).toStrictEqual(expected);
    expect(JSON.stringify(edited)).toBe(JSON.stringify(expected));

    // Added at the start of the otherwise branch, moved down, moved past the end (nothing), removed: as it was.
    const otherwise = { router: choice.uid, branch: 2, index: 0 };
    let m = addBranchStep(model, otherwise, 'filter', { when: 'true' });
    const steps = (f: JsonObject) => ((f.steps as JsonObject[])[at].choice as JsonObject).otherwise as Json[];
    expect(steps(toFlow(m))[0]).toStrictEqual({ filter: { when: 'true' } });
    const n = steps(toFlow(m)).length;
    m = moveBranchStep(m, otherwise, 1);
    expect(steps(toFlow(m))[1]).toStrictEqual({ filter: { when: 'true' } });
    const last = { ...otherwise, index: n - 1 };
    expect(toFlow(moveBranchStep(m, last, 1))).toStrictEqual(toFlow(m));
    m = removeBranchStep(m, { ...otherwise, index: 1 });
    expect(toFlow(m)).toStrictEqual(flow);
    // A when branch's steps, the same way.
    const second = { router: choice.uid, branch: 1, index: 1 };
    m = addBranchStep(model, second, 'filter', { when: 'false' });
    expect((((toFlow(m).steps as JsonObject[])[at].choice as JsonObject).when as JsonObject[])[1].steps)
      .toStrictEqual([...(branchesOf(choice.config)[1].steps), { filter: { when: 'false' } }]);
    expect(toFlow(removeBranchStep(m, second))).toStrictEqual(flow);
  });

  it('adds a when branch before otherwise and removes branches, the router otherwise as it was', () => {
    const flow = read('clarity-customer-to-salesforce.yaml');
    const model = fromFlow(flow);
    const choice = model.steps.find((s) => s.kind === 'choice')!;
    const at = model.steps.indexOf(choice);
    const routerOf = (f: JsonObject) => (f.steps as JsonObject[])[at].choice as JsonObject;
    const added = addBranch(model, choice.uid);
    const after = branchesOf(added.steps[at].config);
    expect(after.map((b) => b.condition)).toStrictEqual(["$event.entity = 'Contact'", "$event.entity = 'Account'", '',
      'otherwise']);
    expect((routerOf(toFlow(added)).when as Json[])[2]).toStrictEqual({ condition: '', steps: [] });
    expect(Object.keys(routerOf(toFlow(added)))).toStrictEqual(Object.keys(routerOf(flow)));
    expect(toFlow(removeBranch(added, choice.uid, 2))).toStrictEqual(flow);
    const noOtherwise = routerOf(toFlow(removeBranch(model, choice.uid, 2)));
    expect(noOtherwise.otherwise).toBeUndefined();
    expect(noOtherwise.when).toStrictEqual(routerOf(flow).when);
    expect((routerOf(toFlow(removeBranch(model, choice.uid, 0))).when as Json[]).length).toBe(1);
  });

  it('adds a filter step, removes it and reorders steps', () => {
    const flow = read('clarity-order-to-salesforce.yaml');
    let model = fromFlow(flow);
    const n = model.steps.length;
    model = addStep(model, 1, 'filter', { when: "Totals.Total < 1000", reason: 'big orders go by hand' });
    let out = toFlow(model);
    expect((out.steps as JsonObject[]).length).toBe(n + 1);
    expect((out.steps as JsonObject[])[1]).toStrictEqual({ filter: { when: 'Totals.Total < 1000', reason: 'big orders go by hand' } });
    expect(Object.keys(out)).toStrictEqual(Object.keys(flow));

    const added = model.steps[1];
    model = updateStep(model, added.uid, { when: 'true' });
    expect((toFlow(model).steps as JsonObject[])[1]).toStrictEqual({ filter: { when: 'true' } });

    model = moveStep(model, added.uid, -1);
    out = toFlow(model);
    expect(Object.keys((out.steps as JsonObject[])[0])).toStrictEqual(['filter']);
    expect(moveStep(model, added.uid, -1)).toBe(model);

    model = removeStep(model, added.uid);
    expect(toFlow(model)).toStrictEqual(flow);
  });

  it('keeps a step it does not understand as it was', () => {
    const flow = { id: 'x', from: { system: 'clarity', events: ['A'] }, steps: [{ filter: { when: 'true' }, extra: 1 }] };
    expect(toFlow(fromFlow(flow as JsonObject))).toStrictEqual(flow);
  });

  it('takes the palette from the schema', () => {
    const types = stepTypes(schema);
    expect(types.map((t) => t.kind)).toEqual(expect.arrayContaining(['filter', 'choice', 'transform', 'to']));
    const filter = types.find((t) => t.kind === 'filter')!;
    expect(filter.ref).toBe('FilterStep-1');
    expect(newStepConfig(schema, filter)).toStrictEqual({ when: '' });
    expect(stepSchema(schema, filter).$ref).toBe('#/$defs/FilterStep-1');
    // A kind the UI has never heard of still gets a palette entry.
    const extended = structuredClone(schema);
    extended.$defs['Frob-2'] = { type: 'object', properties: { frob: { $ref: '#/$defs/Frob-1' } }, required: ['frob'] };
    extended.$defs['Frob-1'] = { type: 'object', properties: { level: { type: 'string' } }, required: ['level'] };
    extended.properties.steps.items.anyOf.push({ $ref: '#/$defs/Frob-2' });
    expect(stepTypes(extended).map((t) => t.kind)).toContain('frob');
    expect(eipName('frob')).toBe('frob');
  });
});
