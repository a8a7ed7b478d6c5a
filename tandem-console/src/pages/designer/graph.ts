// The flow as a graph for @xyflow/react: the trigger, one node per step (by its EIP name), a content-based
// router's branches as child nodes beside it, and the error path as nodes of their own — the retry policy that
// guards the steps calling a system, and the dead-letter channel it ends in (also where a broken validation rule
// sends a record). Pure: the page adds selection and problems.
import { eipIcon, eipName } from './schema';
import { branchesOf, branchNodeId, headValue, stepOf, type FlowModel, type Json, type JsonObject, type StepModel } from './model';

export interface GraphNode {
  id: string;
  position: { x: number; y: number };
  data: { title: string; icon: string; detail: string; kind: string; role: 'trigger' | 'step' | 'branch' | 'error' };
  /** For a branch's step: the router it belongs to. */
  parentStep?: string;
}

export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  label?: string;
  dashed?: boolean;
}

const COLUMN = 300;
/** A branch edge's label: its condition, shortened ("when" while it has none). */
const label = (condition: string) => (!condition ? 'when' : condition.length > 40 ? `${condition.slice(0, 39)}…` : condition);
const ROW = 90;
/** Steps that call a system: what a redelivery repeats after a transient failure. */
const CALLS = new Set(['fetch', 'enrich', 'to']);

function obj(v: Json | undefined): JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : {};
}

/** One line saying what a step does, from its most telling member. */
export function detailOf(step: StepModel): string {
  const c = obj(step.config);
  const first = ['when', 'mapping', 'using', 'entity', 'key', 'system', 'expression', 'link']
    .map((k) => c[k]).find((v) => typeof v === 'string' && v.length > 0);
  if (step.raw !== undefined) {
    return 'not a one-key step map: kept as written';
  }
  if (step.kind === 'validate') {
    const rules = Array.isArray(c.rules) ? c.rules.length : 0;
    return `${rules} rule(s)${c.profile ? ' + profile' : ''}`;
  }
  if (step.kind === 'choice') {
    return `${Array.isArray(c.when) ? c.when.length : 0} branch(es)${c.otherwise ? ' + otherwise' : ''}`;
  }
  const s = typeof first === 'string' ? first : '';
  return s.length > 48 ? `${s.slice(0, 47)}…` : s;
}

function retryDetail(handler: JsonObject): string {
  const dlc = obj(handler.deadLetterChannel);
  const r = obj(dlc.redelivery);
  if (Object.keys(r).length === 0 && !Array.isArray(dlc.onErrors)) {
    return "the runtime's retry policy (tandem.yaml retry.*)";
  }
  const parts = [r.maximumRedeliveries !== undefined ? `${r.maximumRedeliveries}×` : null,
    r.redeliveryDelay ? `from ${r.redeliveryDelay}` : null,
    r.backOffMultiplier ? `×${r.backOffMultiplier}` : null,
    Array.isArray(dlc.onErrors) ? `${dlc.onErrors.length} per-code rule(s)` : null].filter(Boolean);
  return parts.join(', ');
}

export function toGraph(model: FlowModel): { nodes: GraphNode[]; edges: GraphEdge[] } {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const from = obj(headValue(model, 'from'));
  const events = Array.isArray(from.events) ? from.events.join(', ') : '';
  nodes.push({ id: 'trigger', position: { x: 0, y: 0 },
    data: { title: 'Trigger', icon: '⚡', detail: `${from.system ?? '?'}: ${events}`, kind: 'from', role: 'trigger' } });
  let previous = 'trigger';
  /** Branch steps, for the error path's edges. */
  const guarded: [string, string][] = [];
  let y = ROW;
  model.steps.forEach((step) => {
    nodes.push({ id: step.uid, position: { x: 0, y },
      data: { title: eipName(step.kind), icon: eipIcon(step.kind), detail: detailOf(step), kind: step.kind, role: 'step' } });
    edges.push({ id: `e-${previous}-${step.uid}`, source: previous, target: step.uid });
    if (step.kind === 'choice') {
      let deepest = 0;
      branchesOf(step.config).forEach(({ condition, steps }, b) => {
        let parent = step.uid;
        steps.forEach((raw, i) => {
          const inner = stepOf(raw);
          const id = branchNodeId({ router: step.uid, branch: b, index: i });
          nodes.push({ id, parentStep: step.uid, position: { x: COLUMN * (b + 1), y: y + ROW * i },
            data: { title: eipName(inner.kind), icon: eipIcon(inner.kind), detail: detailOf(inner), kind: inner.kind, role: 'branch' } });
          edges.push(i === 0
            ? { id: `branch-${id}`, source: parent, target: id, label: label(condition) }
            : { id: `e-${parent}-${id}`, source: parent, target: id });
          guarded.push([id, inner.kind]);
          parent = id;
        });
        deepest = Math.max(deepest, steps.length);
      });
      y += ROW * Math.max(1, deepest);
    } else {
      y += ROW;
    }
    previous = step.uid;
  });
  // The error path, first-class: what retries and where a record goes when retrying will not help.
  const handler = obj(headValue(model, 'errorHandler'));
  nodes.push({ id: 'retry', position: { x: -COLUMN - 40, y: ROW },
    data: { title: 'Retry policy', icon: '↻', detail: retryDetail(handler), kind: 'errorHandler', role: 'error' } });
  nodes.push({ id: 'dead-letter', position: { x: -COLUMN - 40, y: ROW * 3 },
    data: { title: 'Dead Letter Channel', icon: '☠', detail: 'open in Errors; retry, edit or resolve', kind: 'errorHandler', role: 'error' } });
  edges.push({ id: 'e-retry-dead-letter', source: 'retry', target: 'dead-letter', label: 'retries used up', dashed: true });
  // Top-level steps first, then the branches' (a branch's fetch calls a system as much as a top-level one).
  [...model.steps.map((s): [string, string] => [s.uid, s.kind]), ...guarded].forEach(([id, kind]) => {
    if (CALLS.has(kind)) {
      edges.push({ id: `guard-${id}`, source: id, target: 'retry', label: 'transient failure', dashed: true });
    } else if (kind === 'validate') {
      edges.push({ id: `reject-${id}`, source: id, target: 'dead-letter', label: 'rule broken', dashed: true });
    }
  });
  return { nodes, edges };
}
