// The validator the step forms use. @rjsf/validator-ajv8 compiles schemas to code with `new Function`, which the
// console's Content-Security-Policy (script-src 'self', no 'unsafe-eval': https://www.w3.org/TR/CSP3/#directive-script-src)
// rightly forbids. The real check of a flow is the server's (the flow loader, through the save's dry run), so the
// form needs only what rjsf asks of a validator: which anyOf/oneOf option a value matches (isValid), and no error
// of its own. A small structural matcher (type, required, const, enum, properties) does that without eval.
import type { RJSFSchema, ValidatorType } from '@rjsf/utils';

type S = { [key: string]: unknown };

function resolve(schema: S, root: S): S {
  let s = schema;
  for (let i = 0; i < 20 && typeof s.$ref === 'string'; i++) {
    const ref = s.$ref as string;
    if (!ref.startsWith('#/')) {
      return {};
    }
    let target: unknown = root;
    for (const part of ref.slice(2).split('/')) {
      target = (target as S | undefined)?.[decodeURIComponent(part.replace(/~1/g, '/').replace(/~0/g, '~'))];
    }
    const { $ref: _ignored, ...rest } = s;
    s = { ...(target as S ?? {}), ...rest };
  }
  return s;
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

export function matches(schemaIn: S, value: unknown, root: S, depth = 0): boolean {
  if (depth > 30) {
    return true;
  }
  const schema = resolve(schemaIn, root);
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type as string[] : [schema.type as string];
    const t = typeOf(value);
    if (!types.includes(t) && !(t === 'integer' && types.includes('number'))) {
      return false;
    }
  }
  if ('const' in schema && JSON.stringify(schema.const) !== JSON.stringify(value)) {
    return false;
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    return false;
  }
  if (typeOf(value) === 'object') {
    const v = value as S;
    for (const r of (schema.required ?? []) as string[]) {
      if (!(r in v)) {
        return false;
      }
    }
    const props = (schema.properties ?? {}) as Record<string, S>;
    for (const [k, sub] of Object.entries(props)) {
      if (k in v && !matches(sub, v[k], root, depth + 1)) {
        return false;
      }
    }
    if (schema.additionalProperties === false && Object.keys(v).some((k) => !(k in props))) {
      return false;
    }
  }
  for (const key of ['anyOf', 'oneOf'] as const) {
    const options = schema[key];
    if (Array.isArray(options) && !options.some((o) => matches(o as S, value, root, depth + 1))) {
      return false;
    }
  }
  return true;
}

export const structuralValidator: ValidatorType = {
  validateFormData: () => ({ errors: [], errorSchema: {} }),
  isValid: (schema: RJSFSchema, formData: unknown, rootSchema: RJSFSchema) =>
    matches(schema as S, formData, rootSchema as S),
  rawValidation: () => ({ errors: undefined, validationError: undefined }),
};
