// The flow designer's model: a flow file (as JSON, keys in the file's order) ⇄ what the designer edits. Kept as a
// pure pair, fromFlow(json) → model and toFlow(model) → json, so that loading and saving an unchanged flow gives
// back the same file (a Vitest round trip over every shipped flow checks it) and a file edited by hand in Git
// stays editable: anything the designer does not model is carried through untouched.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** One step of the top-level list: its kind (the one key of the step's map) and that key's value. */
export interface StepModel {
  /** Stable within a session (React keys, node ids); not written to the file. */
  uid: string;
  kind: string;
  config: Json;
  /** A step that is not a one-key map (hand-written, invalid): written back as it was, shown as a problem. */
  raw?: Json;
}

export interface FlowModel {
  /** Every top-level member except steps, in the file's order; `steps` marks where the steps go. */
  head: [string, Json][];
  steps: StepModel[];
}

let counter = 0;
const nextUid = () => `s${++counter}`;

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The step of a JSON step map ({filter: {...}}). */
export function stepOf(step: Json): StepModel {
  if (isObject(step)) {
    const keys = Object.keys(step);
    if (keys.length === 1) {
      return { uid: nextUid(), kind: keys[0], config: step[keys[0]] };
    }
  }
  return { uid: nextUid(), kind: '?', config: null, raw: step };
}

export function fromFlow(flow: JsonObject): FlowModel {
  const head: [string, Json][] = Object.entries(flow);
  const steps = Array.isArray(flow.steps) ? flow.steps.map(stepOf) : [];
  return { head, steps };
}

export function stepJson(s: StepModel): Json {
  return s.raw !== undefined ? s.raw : { [s.kind]: s.config };
}

export function toFlow(model: FlowModel): JsonObject {
  const out: JsonObject = {};
  let wroteSteps = false;
  for (const [key, value] of model.head) {
    if (key === 'steps') {
      out.steps = model.steps.map(stepJson);
      wroteSteps = true;
    } else {
      out[key] = value;
    }
  }
  if (!wroteSteps) {
    out.steps = model.steps.map(stepJson);
  }
  return out;
}

/** A member of the flow's head (id, from, errorHandler, ...). */
export function headValue(model: FlowModel, key: string): Json | undefined {
  return model.head.find(([k]) => k === key)?.[1];
}

export function withHead(model: FlowModel, key: string, value: Json | undefined): FlowModel {
  const exists = model.head.some(([k]) => k === key);
  let head: [string, Json][];
  if (value === undefined) {
    head = model.head.filter(([k]) => k !== key);
  } else if (exists) {
    head = model.head.map(([k, v]) => (k === key ? [k, value] : [k, v]));
  } else {
    // A new member goes before the steps, after the rest (errorHandler conventionally ends the file: append).
    head = key === 'errorHandler' ? [...model.head, [key, value]] : insertBefore(model.head, 'steps', [key, value]);
  }
  return { ...model, head };
}

function insertBefore(head: [string, Json][], before: string, entry: [string, Json]): [string, Json][] {
  const i = head.findIndex(([k]) => k === before);
  return i < 0 ? [...head, entry] : [...head.slice(0, i), entry, ...head.slice(i)];
}

// ---- editing operations (each returns a new model)

export function addStep(model: FlowModel, index: number, kind: string, config: Json): FlowModel {
  const steps = [...model.steps];
  steps.splice(Math.max(0, Math.min(index, steps.length)), 0, { uid: nextUid(), kind, config });
  return { ...model, steps };
}

export function removeStep(model: FlowModel, uid: string): FlowModel {
  return { ...model, steps: model.steps.filter((s) => s.uid !== uid) };
}

/** Moves a step by delta places (−1 up, +1 down); at either end nothing moves. */
export function moveStep(model: FlowModel, uid: string, delta: number): FlowModel {
  const i = model.steps.findIndex((s) => s.uid === uid);
  const j = i + delta;
  if (i < 0 || j < 0 || j >= model.steps.length) {
    return model;
  }
  const steps = [...model.steps];
  [steps[i], steps[j]] = [steps[j], steps[i]];
  return { ...model, steps };
}

export function updateStep(model: FlowModel, uid: string, config: Json): FlowModel {
  return { ...model, steps: model.steps.map((s) => (s.uid === uid ? { ...s, config, raw: undefined } : s)) };
}

// ---- a content-based router's branches: the steps of `when[b].steps`, and of `otherwise` as branch when.length

/** One branch of a router: its condition ('' when it has none yet, 'otherwise' for the last) and its steps. */
export interface Branch {
  condition: string;
  otherwise: boolean;
  steps: Json[];
}

/** The branches of a choice step's value, `otherwise` last when the file has one. */
export function branchesOf(config: Json): Branch[] {
  const c = isObject(config) ? config : {};
  const out: Branch[] = (Array.isArray(c.when) ? c.when : []).map((w) => {
    const b = isObject(w) ? w : {};
    return { condition: typeof b.condition === 'string' ? b.condition : '', otherwise: false,
      steps: Array.isArray(b.steps) ? b.steps : [] };
  });
  if (Array.isArray(c.otherwise)) {
    out.push({ condition: 'otherwise', otherwise: true, steps: c.otherwise });
  }
  return out;
}

/** Where a step of a branch is: the router (a top-level step), the branch, and the place in it. */
export interface BranchRef {
  router: string;
  branch: number;
  index: number;
}

/** The node id of a branch's step ({@link toGraph} draws it with this id), and of a branch itself (index −1). */
export function branchNodeId(ref: BranchRef): string {
  return ref.index < 0 ? `${ref.router}-b${ref.branch}` : `${ref.router}-b${ref.branch}-${ref.index}`;
}

/** The branch place a node id names, when it names one of a router of this model. */
export function branchRefOf(model: FlowModel, id: string): BranchRef | null {
  const m = /^(.+)-b(\d+)(?:-(\d+))?$/.exec(id);
  if (!m) {
    return null;
  }
  const router = model.steps.find((s) => s.uid === m[1] && s.kind === 'choice');
  const branch = Number(m[2]);
  const index = m[3] === undefined ? -1 : Number(m[3]);
  const branches = router ? branchesOf(router.config) : [];
  if (!router || branch >= branches.length || index >= branches[branch].steps.length) {
    return null;
  }
  return { router: router.uid, branch, index };
}

/** The step at a branch place, as the designer edits a top-level one. */
export function branchStep(model: FlowModel, ref: BranchRef): StepModel | null {
  const router = model.steps.find((s) => s.uid === ref.router);
  const raw = router ? branchesOf(router.config)[ref.branch]?.steps[ref.index] : undefined;
  return raw === undefined ? null : { ...stepOf(raw), uid: branchNodeId(ref) };
}

/** The router with one branch's steps replaced; every other member, and the order of the keys, as they were. */
function withBranchSteps(model: FlowModel, ref: BranchRef, edit: (steps: Json[]) => Json[]): FlowModel {
  return {
    ...model,
    steps: model.steps.map((s) => {
      if (s.uid !== ref.router || !isObject(s.config)) {
        return s;
      }
      const c = s.config;
      const when = Array.isArray(c.when) ? c.when : [];
      if (ref.branch < when.length) {
        const next = when.map((w, b) => (b === ref.branch && isObject(w)
          ? { ...w, steps: edit(Array.isArray(w.steps) ? w.steps : []) } : w));
        return { ...s, config: { ...c, when: next } };
      }
      return { ...s, config: { ...c, otherwise: edit(Array.isArray(c.otherwise) ? c.otherwise : []) } };
    }),
  };
}

export function updateBranchStep(model: FlowModel, ref: BranchRef, config: Json): FlowModel {
  return withBranchSteps(model, ref, (steps) => steps.map((raw, i) => {
    if (i !== ref.index) {
      return raw;
    }
    const s = stepOf(raw);
    return s.raw !== undefined ? raw : { [s.kind]: config };
  }));
}

/** Adds a step to a branch at ref.index (its start when −1 … its end when past it). */
export function addBranchStep(model: FlowModel, ref: BranchRef, kind: string, config: Json): FlowModel {
  return withBranchSteps(model, ref, (steps) => {
    const out = [...steps];
    out.splice(Math.max(0, Math.min(ref.index, out.length)), 0, { [kind]: config });
    return out;
  });
}

export function removeBranchStep(model: FlowModel, ref: BranchRef): FlowModel {
  return withBranchSteps(model, ref, (steps) => steps.filter((_, i) => i !== ref.index));
}

/** Moves a branch's step by delta places within its branch; at either end nothing moves. */
export function moveBranchStep(model: FlowModel, ref: BranchRef, delta: number): FlowModel {
  const j = ref.index + delta;
  return withBranchSteps(model, ref, (steps) => {
    if (j < 0 || j >= steps.length) {
      return steps;
    }
    const out = [...steps];
    [out[ref.index], out[j]] = [out[j], out[ref.index]];
    return out;
  });
}

/** A new `when` branch at the end of the router's (before `otherwise`): an empty condition, no steps yet. */
export function addBranch(model: FlowModel, router: string): FlowModel {
  return {
    ...model,
    steps: model.steps.map((s) => {
      if (s.uid !== router || !isObject(s.config)) {
        return s;
      }
      const when = Array.isArray(s.config.when) ? s.config.when : [];
      return { ...s, config: { ...s.config, when: [...when, { condition: '', steps: [] }] } };
    }),
  };
}

/** Removes a branch and its steps (`otherwise` when it is the last): the router's other members as they were. */
export function removeBranch(model: FlowModel, router: string, branch: number): FlowModel {
  return {
    ...model,
    steps: model.steps.map((s) => {
      if (s.uid !== router || !isObject(s.config)) {
        return s;
      }
      const c = s.config;
      const when = Array.isArray(c.when) ? c.when : [];
      if (branch < when.length) {
        return { ...s, config: { ...c, when: when.filter((_, b) => b !== branch) } };
      }
      const { otherwise: _dropped, ...rest } = c;
      return { ...s, config: rest };
    }),
  };
}

/** A `when` branch's condition set; its steps and the router's other members as they were. */
export function setBranchCondition(model: FlowModel, router: string, branch: number, condition: string): FlowModel {
  return {
    ...model,
    steps: model.steps.map((s) => {
      if (s.uid !== router || !isObject(s.config) || !Array.isArray(s.config.when)) {
        return s;
      }
      const when = s.config.when.map((w, b) => (b === branch && isObject(w) ? { ...w, condition } : w));
      return { ...s, config: { ...s.config, when } };
    }),
  };
}
