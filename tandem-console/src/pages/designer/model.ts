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
