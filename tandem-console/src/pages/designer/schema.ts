// What the designer reads from the flow file's JSON Schema (GET /api/v1/flows/schema, generated from the step
// model by tandem-core's FlowSchema): the step kinds for the palette and each kind's schema for its form. Nothing
// here lists the kinds: a new step type in the model appears in the palette and gets a form without UI code.
import type { RJSFSchema } from '@rjsf/utils';

export interface StepType {
  kind: string;
  /** The schema definition of the step's value, e.g. #/$defs/FilterStep-1 */
  ref: string | null;
  description?: string;
}

type Schema = { [key: string]: unknown };

function refName(ref: unknown): string | null {
  return typeof ref === 'string' && ref.startsWith('#/$defs/') ? ref.slice('#/$defs/'.length) : null;
}

function defs(schema: Schema): Record<string, Schema> {
  return (schema.$defs ?? {}) as Record<string, Schema>;
}

/** The step kinds the schema allows in a flow's steps, in its order. */
export function stepTypes(schema: Schema): StepType[] {
  const steps = (schema.properties as Schema | undefined)?.steps as Schema | undefined;
  const anyOf = ((steps?.items as Schema | undefined)?.anyOf ?? []) as Schema[];
  const out: StepType[] = [];
  for (const option of anyOf) {
    const wrapper = defs(schema)[refName(option.$ref) ?? ''] ?? option;
    const props = (wrapper.properties ?? {}) as Record<string, Schema>;
    const kinds = Object.keys(props);
    if (kinds.length !== 1) {
      continue;
    }
    const value = props[kinds[0]];
    const ref = refName(value.$ref);
    const target = ref ? defs(schema)[ref] : value;
    out.push({ kind: kinds[0], ref, description: (value.description ?? target?.description) as string | undefined });
  }
  return out;
}

/** The schema of one kind's value, with the flow schema's $defs so its references resolve (for @rjsf/core). */
export function stepSchema(schema: Schema, type: StepType | undefined): RJSFSchema {
  if (!type) {
    return { type: 'object' };
  }
  const base: Schema = type.ref ? { $ref: `#/$defs/${type.ref}` } : { type: 'object' };
  return { ...base, title: type.kind, $defs: schema.$defs } as RJSFSchema;
}

/** The schema of a top-level member (errorHandler, from) for its form. */
export function memberSchema(schema: Schema, member: string): RJSFSchema {
  const prop = ((schema.properties ?? {}) as Record<string, Schema>)[member] ?? { type: 'object' };
  return { ...prop, title: member, $defs: schema.$defs } as RJSFSchema;
}

/** A new step's value: the required string members empty, so the form shows them (the save names what is missing). */
export function newStepConfig(schema: Schema, type: StepType): { [key: string]: string } {
  const target = type.ref ? defs(schema)[type.ref] : undefined;
  const required = (target?.required ?? []) as string[];
  const props = (target?.properties ?? {}) as Record<string, Schema>;
  const out: { [key: string]: string } = {};
  for (const r of required) {
    if (props[r]?.type === 'string') {
      out[r] = '';
    }
  }
  return out;
}

/** The Enterprise Integration Pattern each shipped kind implements (https://www.enterpriseintegrationpatterns.com/patterns/messaging/toc.html), with an icon; other kinds show their own name. */
const EIP: Record<string, [string, string]> = {
  idempotentConsumer: ['Idempotent Consumer', '≡'],
  fetch: ['Content Enricher (fetch)', '⇣'],
  filter: ['Message Filter', '▽'],
  validate: ['Validator', '✓'],
  choice: ['Content-Based Router', '◇'],
  transform: ['Message Translator', '⇄'],
  enrich: ['Content Enricher', '✚'],
  split: ['Splitter', '✂'],
  aggregate: ['Aggregator', '⊕'],
  to: ['Message Endpoint', '➜'],
};

export function eipName(kind: string): string {
  return EIP[kind]?.[0] ?? kind;
}

export function eipIcon(kind: string): string {
  return EIP[kind]?.[1] ?? '◆';
}

/** The form of one branch of a content-based router: its condition, as the schema's `When` defines it. */
export function branchConditionSchema(schema: Schema): RJSFSchema {
  const when = defs(schema).When as Schema | undefined;
  const condition = ((when?.properties ?? {}) as Record<string, Schema>).condition ?? { type: 'string' };
  return { type: 'object', title: 'branch', properties: { condition }, required: ['condition'] } as RJSFSchema;
}
