// The mapping canvas edits the mapping's JSONata TEXT, never a re-serialised model: a flow's mapping is a program
// (variables, functions, comments) that a person wrote, and it must stay theirs. These helpers find the object
// constructor of one record's "fields" (the record whose "entity" is the target object), list its entries
// ("Field": expression), and replace, add or remove one entry in place. JSONata syntax:
// https://docs.jsonata.org/construction (object constructors), https://docs.jsonata.org/programming (comments).

export interface FieldEntry {
  /** the target field's name, e.g. BillingCity */
  name: string;
  /** the expression's text, trimmed */
  expression: string;
  /** where the entry starts (its key's opening quote) and ends (after the expression), in the mapping text */
  start: number;
  end: number;
  exprStart: number;
  exprEnd: number;
}

export interface FieldsBlock {
  /** the position of the fields object's "{" and of its "}" */
  open: number;
  close: number;
  entries: FieldEntry[];
}

/** Skips a string, comment or backtick name starting at i; returns the index after it, or i when none starts there. */
function skip(text: string, i: number): number {
  const c = text[i];
  if (c === '"' || c === "'") {
    let j = i + 1;
    while (j < text.length && text[j] !== c) {
      j += text[j] === '\\' ? 2 : 1;
    }
    return j + 1;
  }
  if (c === '`') {
    const j = text.indexOf('`', i + 1);
    return j < 0 ? text.length : j + 1;
  }
  if (c === '/' && text[i + 1] === '*') {
    const j = text.indexOf('*/', i + 2);
    return j < 0 ? text.length : j + 2;
  }
  return i;
}

/** The index of the bracket closing the one at {@code open}, or -1. */
export function matching(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const after = skip(text, i);
    if (after !== i) {
      i = after - 1;
      continue;
    }
    const c = text[i];
    if (c === '{' || c === '[' || c === '(') {
      depth++;
    } else if (c === '}' || c === ']' || c === ')') {
      depth--;
      if (depth === 0) {
        return i;
      }
    }
  }
  return -1;
}

/** Where the code (not a comment or string) has the given regular expression's first match from {@code from}. */
function findCode(text: string, re: RegExp, from: number): RegExpExecArray | null {
  const g = new RegExp(re.source, 'g');
  g.lastIndex = from;
  let m: RegExpExecArray | null;
  while ((m = g.exec(text)) !== null) {
    if (!insideStringOrComment(text, m.index)) {
      return m;
    }
  }
  return null;
}

function insideStringOrComment(text: string, at: number): boolean {
  for (let i = 0; i < at; i++) {
    const after = skip(text, i);
    if (after !== i) {
      if (text[i] === '"' || text[i] === "'") {
        // a string that starts exactly at `at` is the match itself, not a surrounding one
        if (after > at && i !== at) {
          return true;
        }
      } else if (after > at) {
        return true;
      }
      i = after - 1;
    }
  }
  return false;
}

/** The entity names the mapping writes ("entity": "Order"), in order of appearance. */
export function entities(text: string): string[] {
  const out: string[] = [];
  const re = /"entity"\s*:\s*"([A-Za-z][A-Za-z0-9_]*)"/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    if (!insideStringOrComment(text, m.index) && !out.includes(m[1])) {
      out.push(m[1]);
    }
  }
  return out;
}

/** One record of an entity in the mapping, as the canvas offers it for choosing. */
export interface RecordInfo {
  /** its position among the entity's records (0 = the first "entity": "X" in the text) */
  index: number;
  /** where its "entity" key is, in the text */
  at: number;
  /** its "ref" expression's text ("order", "item" & $string(ID)), when it has one */
  ref: string | null;
  /** how the record is produced: "one per SalesItems", "made by function $charge", or "one record" */
  produced: string;
  /** e.g. "2. ref "charge" & $n, made by function $charge" */
  label: string;
}

/** Where each record of {@code entity} starts ("entity": "X" outside strings and comments), in order. */
function entityMatches(text: string, entity: string): number[] {
  const escaped = entity.replace(/[^A-Za-z0-9_]/g, '');
  const out: number[] = [];
  let from = 0;
  let m: RegExpExecArray | null;
  while ((m = findCode(text, new RegExp(`"entity"\\s*:\\s*"${escaped}"`), from)) !== null) {
    out.push(m.index);
    from = m.index + m[0].length;
  }
  return out;
}

/** The brackets ({, [, () that enclose {@code at}, innermost first, each with its closing position. */
function enclosing(text: string, at: number): { open: number; close: number }[] {
  const stack: number[] = [];
  for (let i = 0; i < at; i++) {
    const after = skip(text, i);
    if (after !== i) {
      i = after - 1;
      continue;
    }
    const c = text[i];
    if (c === '{' || c === '[' || c === '(') {
      stack.push(i);
    } else if (c === '}' || c === ']' || c === ')') {
      stack.pop();
    }
  }
  return stack.reverse().map((open) => ({ open, close: matching(text, open) }));
}

/**
 * How the record around {@code at} is produced, read from the code before its enclosing brackets: a path step
 * ({@code SalesItems.{ ... }}: one record per item), a function's body ({@code $charge := function(...) { ... }}),
 * else one record. JSONata: https://docs.jsonata.org/path-operators (map), https://docs.jsonata.org/programming.
 */
function produced(text: string, brackets: { open: number }[]): string {
  for (const { open } of brackets) {
    const before = text.slice(Math.max(0, open - 200), open);
    const fn = before.match(/(\$[A-Za-z_][A-Za-z0-9_]*)\s*:=\s*function\s*\([^()]*\)\s*(?:<[^<>]*>\s*)?$/);
    if (fn) {
      return `made by function ${fn[1]}`;
    }
    if (/\bfunction\s*\([^()]*\)\s*$/.test(before)) {
      return 'made by a function';
    }
    const step = before.match(/((?:[A-Za-z_][A-Za-z0-9_]*|`[^`]*`)(?:\.(?:[A-Za-z_][A-Za-z0-9_]*|`[^`]*`))*)\s*\.\s*$/);
    if (step && text[open] === '{' && !/\$$/.test(before.slice(0, before.length - step[0].length))) {
      return `one per ${step[1]}`;
    }
  }
  return 'one record';
}

/** The records of {@code entity} in the mapping, in text order, each with a label a person can tell apart. */
export function records(text: string, entity: string): RecordInfo[] {
  return entityMatches(text, entity).map((at, index) => {
    const brackets = enclosing(text, at);
    const own = brackets.find((b) => text[b.open] === '{' && b.close > at);
    let ref: string | null = null;
    if (own) {
      const r = findCode(text, /"ref"\s*:/, own.open);
      if (r && r.index < own.close && enclosing(text, r.index)[0]?.open === own.open) {
        const start = r.index + r[0].length;
        ref = text.slice(start, nextComma(text, start, own.close)).trim().replace(/\s+/g, ' ');
        if (ref.length > 40) {
          ref = `${ref.slice(0, 39)}…`;
        }
      }
    }
    const how = produced(text, brackets.slice(own ? brackets.indexOf(own) : 0));
    return { index, at, ref, produced: how, label: `${index + 1}. ${ref ? `ref ${ref}, ` : ''}${how}` };
  });
}

/**
 * The "fields" object of the record whose "entity" is {@code entity} (its {@code index}-th record, by default the
 * first), or null when the text has none.
 */
export function fieldsBlock(text: string, entity: string, index = 0): FieldsBlock | null {
  const at = entityMatches(text, entity)[index];
  if (at === undefined) {
    return null;
  }
  const key = findCode(text, /"fields"\s*:/, at);
  if (!key) {
    return null;
  }
  // "fields": { ... } or "fields": $merge([{ ... }, ...]): the first object constructor after the key.
  let open = key.index + key[0].length;
  while (open < text.length && text[open] !== '{') {
    const after = skip(text, open);
    open = after !== open ? after : open + 1;
  }
  if (open >= text.length) {
    return null;
  }
  const close = matching(text, open);
  if (close < 0) {
    return null;
  }
  return { open, close, entries: entries(text, open, close) };
}

function entries(text: string, open: number, close: number): FieldEntry[] {
  const out: FieldEntry[] = [];
  let i = open + 1;
  while (i < close) {
    // the next key: a double-quoted string, then ":"
    while (i < close && /[\s,]/.test(text[i])) {
      i++;
    }
    if (text[i] === '/' && text[i + 1] === '*') {
      i = skip(text, i);
      continue;
    }
    if (text[i] !== '"') {
      // a computed key ($keepPhone: ...) or something else: skip to the next top-level comma
      i = nextComma(text, i, close) + 1;
      continue;
    }
    const start = i;
    const keyEnd = skip(text, i);
    const name = text.slice(i + 1, keyEnd - 1);
    let j = keyEnd;
    while (j < close && /\s/.test(text[j])) {
      j++;
    }
    if (text[j] !== ':') {
      i = nextComma(text, j, close) + 1;
      continue;
    }
    const exprStart = j + 1;
    const comma = nextComma(text, exprStart, close);
    let exprEnd = comma;
    while (exprEnd > exprStart && /\s/.test(text[exprEnd - 1])) {
      exprEnd--;
    }
    let s = exprStart;
    while (s < exprEnd && /\s/.test(text[s])) {
      s++;
    }
    out.push({ name, expression: text.slice(s, exprEnd), start, end: exprEnd, exprStart: s, exprEnd });
    i = comma + 1;
  }
  return out;
}

/** The next comma at this nesting level before {@code close} (or {@code close}). */
function nextComma(text: string, from: number, close: number): number {
  for (let i = from; i < close; i++) {
    const after = skip(text, i);
    if (after !== i) {
      i = after - 1;
      continue;
    }
    const c = text[i];
    if (c === '{' || c === '[' || c === '(') {
      const m = matching(text, i);
      if (m < 0) {
        return close;
      }
      i = m;
    } else if (c === ',') {
      return i;
    }
  }
  return close;
}

/** A JSON string of a field name, as a key of the object constructor. */
function key(name: string): string {
  return JSON.stringify(name);
}

/**
 * The text with {@code field} set to {@code expression} in the entity's fields: the entry's expression replaced
 * when it exists, else a new entry after the last one (same indentation), in the entity's {@code index}-th record.
 * Throws when the text has no such record.
 */
export function setField(text: string, entity: string, field: string, expression: string, index = 0): string {
  const block = fieldsBlock(text, entity, index);
  if (!block) {
    throw new Error(`the mapping has no ${index > 0 ? `record ${index + 1} ` : 'record '}with "entity": "${entity}" and a "fields" object`);
  }
  const expr = expression.trim();
  if (!expr) {
    throw new Error(`the expression for ${field} is empty`);
  }
  const existing = block.entries.find((e) => e.name === field);
  if (existing) {
    return text.slice(0, existing.exprStart) + expr + text.slice(existing.exprEnd);
  }
  const last = block.entries[block.entries.length - 1];
  if (!last) {
    return `${text.slice(0, block.open + 1)} ${key(field)}: ${expr} ${text.slice(block.close)}`;
  }
  const lineStart = text.lastIndexOf('\n', last.start) + 1;
  const indent = text.slice(lineStart, last.start).match(/^\s*/)?.[0] ?? '';
  const onOwnLine = text.slice(lineStart, last.start).trim() === '';
  const sep = onOwnLine ? `,\n${indent}` : ', ';
  return text.slice(0, last.end) + sep + `${key(field)}: ${expr}` + text.slice(last.end);
}

/** The text without {@code field}'s entry in the entity's fields (unchanged when there is none). */
export function removeField(text: string, entity: string, field: string, index = 0): string {
  const block = fieldsBlock(text, entity, index);
  const entry = block?.entries.find((e) => e.name === field);
  if (!block || !entry) {
    return text;
  }
  const at = block.entries.indexOf(entry);
  const prev = block.entries[at - 1];
  const next = block.entries[at + 1];
  if (next) {
    return text.slice(0, entry.start) + text.slice(next.start);
  }
  if (prev) {
    return text.slice(0, prev.end) + text.slice(entry.end);
  }
  return text.slice(0, block.open + 1) + text.slice(entry.end);
}

/** The source paths an expression reads directly (e.g. Totals.Total in "$round(Totals.Total, 2)"). */
export function sourcesOf(expression: string, paths: string[]): string[] {
  const code = expression.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""');
  return paths.filter((p) => {
    const jsonata = p.replace(/\[\]/g, '');
    const escaped = jsonata.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return new RegExp(`(^|[^A-Za-z0-9_$.\`])${escaped}(?![A-Za-z0-9_])`).test(code);
  });
}

/** A source path as a JSONata path expression ({@code SalesItems[].Sku} → {@code SalesItems.Sku}; odd names quoted). */
export function pathExpression(path: string): string {
  return path
    .replace(/\[\]/g, '')
    .split('.')
    .map((s) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(s) ? s : `\`${s.replace(/`/g, '')}\``))
    .join('.');
}
