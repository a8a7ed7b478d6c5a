// The mapping canvas's "Value maps" and "Lookup tables" panels (issue 12 item 5): a flow's `picklists:` edited as
// tables and saved through the designer's PUT /flows/{id}/definition (dry run first, then the save), and its
// `lookups:` tables from GET /flows/{id}/lookups, edited by admins through PUT /flows/{id}/lookups/{name}
// (LookupTableApi.java).
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState } from 'react';
import { api, ApiError, message } from '../../api';
import { ErrorBox, useLoad } from '../../components/common';
import { entities, fieldsBlock } from './mappingText';
import type { TargetFieldView } from './types';

/** GET /flows/{id}/definition: the flow file as JSON (FlowFileApi.java). */
export interface DefinitionView {
  id: string;
  version: string;
  file: string;
  shipped: boolean;
  editable: boolean;
  definition: Record<string, unknown>;
}

/** GET /flows/{id}/lookups: the tables and what one save may hold (LookupTableApi.java). */
export interface LookupTablesView {
  id: string;
  items: LookupTableView[];
  /** Rows one save may hold (10,000); a table file longer than that comes cut (truncated) and is edited in its file. */
  maxRows?: number;
  /** Bytes one PUT body may have (1 MiB); a larger save is refused with a 413. */
  maxBodyBytes?: number;
}

/** One table of GET /flows/{id}/lookups. */
export interface LookupTableView {
  name: string;
  file: string;
  key: string | null;
  keyColumn?: string;
  columns: string[];
  rows: Record<string, unknown>[];
  size: number;
  truncated: boolean;
  problem?: string;
}

export interface Row {
  source: string;
  target: string;
}

/** A map's rows in the file's order; values a YAML file gives as numbers or booleans are shown as text. */
export function rowsOf(map: unknown): Row[] {
  if (!map || typeof map !== 'object' || Array.isArray(map)) {
    return [];
  }
  return Object.entries(map as Record<string, unknown>).map(([source, target]) => ({
    source, target: target === null || target === undefined ? '' : String(target),
  }));
}

/** What is wrong with a map's rows before it may be saved: an empty or a duplicate source value. */
export function rowProblems(name: string, rows: Row[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  rows.forEach((r, i) => {
    if (r.source.trim() === '') {
      out.push(`${name}, row ${i + 1}: the source value is empty`);
    } else if (seen.has(r.source)) {
      out.push(`${name}, row ${i + 1}: the source value "${r.source}" appears twice`);
    }
    seen.add(r.source);
  });
  return out;
}

/**
 * The maps named by `$picklist(value, 'name')` in an expression: the second argument, found after the first
 * argument's top-level comma (the value may itself call functions with commas).
 */
export function picklistUses(expression: string): string[] {
  const out: string[] = [];
  const call = /\$picklist\s*\(/g;
  let m: RegExpExecArray | null;
  while ((m = call.exec(expression)) !== null) {
    let depth = 0;
    let quote: string | null = null;
    for (let i = m.index + m[0].length; i < expression.length; i++) {
      const c = expression[i];
      if (quote) {
        if (c === quote) {
          quote = null;
        }
      } else if (c === '"' || c === "'") {
        quote = c;
      } else if (c === '(' || c === '[' || c === '{') {
        depth++;
      } else if (c === ')' || c === ']' || c === '}') {
        if (depth === 0) {
          break;
        }
        depth--;
      } else if (c === ',' && depth === 0) {
        const name = /^\s*(['"])([^'"]*)\1/.exec(expression.slice(i + 1));
        if (name && !out.includes(name[2])) {
          out.push(name[2]);
        }
        break;
      }
    }
  }
  return out;
}

/** Which target fields of the mapping ("Entity.Field") call $picklist with which map. */
export function mapUses(text: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  // A variable bound to a $picklist call ($recordType := $picklist(…, 'accountRecordTypes', "")) carries its maps
  // into the fields that use the variable (its binding read to the end of its line).
  const viaVariable: Record<string, string[]> = {};
  for (const m of text.matchAll(/\$([A-Za-z_][A-Za-z0-9_]*)\s*:=([^\n]*)/g)) {
    const maps = picklistUses(m[2]);
    if (maps.length) {
      viaVariable[m[1]] = maps;
    }
  }
  const used = (expression: string) => [...picklistUses(expression), ...Object.entries(viaVariable)
    .filter(([v]) => new RegExp(`\\$${v}(?![A-Za-z0-9_])`).test(expression)).flatMap(([, maps]) => maps)];
  entities(text).forEach((entity) => {
    fieldsBlock(text, entity)?.entries.forEach((e) => used(e.expression).forEach((n) => {
      const field = `${entity}.${e.name}`;
      if (!(out[n] ??= []).includes(field)) {
        out[n].push(field);
      }
    }));
  });
  return out;
}

interface ValueMapsProps {
  id: string;
  canSave: boolean;
  /** The mapping's text (where `$picklist` is called), the object shown and its describe's fields. */
  text: string;
  object: string | null;
  targets: TargetFieldView[];
  /** Changes when the page saved the mapping (a new flow version): the definition is read again, edits kept. */
  revision?: string | null;
  /** The flow now runs with the saved value maps (the mapping page previews again with them). */
  onSaved?: () => void;
}

/**
 * The flow's picklist value maps as editable tables. A map that a target field with Salesforce picklist values
 * uses offers those values and flags one the org does not have; admins save through the flow file's own PUT
 * (checked by the loader in a dry run first).
 */
export function ValueMapsPanel({ id, canSave, text, object, targets, revision, onSaved }: ValueMapsProps) {
  const loaded = useLoad(() => api<DefinitionView>('GET', `/flows/${encodeURIComponent(id)}/definition`), [id, revision]);
  const [edited, setEdited] = useState<Record<string, Row[]>>({});
  const [problems, setProblems] = useState<string[]>([]);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const def = loaded.data;

  const maps = useMemo(() => {
    const p = def?.definition.picklists;
    return p && typeof p === 'object' && !Array.isArray(p) ? (p as Record<string, unknown>) : {};
  }, [def]);
  // map name → the target fields ("Entity.Field", every record of the mapping) whose expression calls
  // $picklist(…, 'name')
  const usedBy = useMemo(() => mapUses(text), [text]);
  const valuesOf = (name: string): string[] | null => {
    const fields = (usedBy[name] ?? []).filter((f) => f.startsWith(`${object}.`))
      .map((f) => targets.find((t) => `${object}.${t.name}` === f)).filter((t) => t?.picklistValues.length);
    return fields.length ? [...new Set(fields.flatMap((t) => t!.picklistValues))] : null;
  };

  if (!def) {
    return loaded.error ? <ErrorBox error={loaded.error} onRetry={loaded.reload} /> : <p role="status">Loading the value maps…</p>;
  }
  const names = Object.keys(maps);
  const rows = (name: string) => edited[name] ?? rowsOf(maps[name]);
  const change = (name: string, next: Row[]) => {
    setEdited((e) => ({ ...e, [name]: next }));
    setNotice(null);
    setProblems([]);
  };
  const dirty = Object.keys(edited).length > 0;

  const save = async () => {
    const found = Object.entries(edited).flatMap(([name, r]) => rowProblems(name, r));
    if (found.length) {
      setProblems(found);
      return;
    }
    const picklists: Record<string, unknown> = { ...maps };
    Object.entries(edited).forEach(([name, r]) => {
      picklists[name] = Object.fromEntries(r.map((x) => [x.source, x.target]));
    });
    const definition = { ...def.definition, picklists };
    const path = `/flows/${encodeURIComponent(id)}/definition`;
    setSaving(true);
    setSaveError(null);
    setProblems([]);
    try {
      await api('PUT', `${path}?dryRun=true&baseVersion=${encodeURIComponent(def.version)}`, definition);
      const r = await api<{ file: string; version: string; previousVersion: string }>('PUT',
        `${path}?baseVersion=${encodeURIComponent(def.version)}`, definition);
      setNotice(`Saved the value maps into ${r.file}: version ${r.version} (was ${r.previousVersion}).`);
      setEdited({});
      loaded.reload();
      onSaved?.();
    } catch (e) {
      const listed = e instanceof ApiError && Array.isArray(e.problem?.problems)
        ? (e.problem!.problems as { path?: string; message?: string }[]).map((p) => (p.path ? `${p.path}: ` : '') + (p.message ?? ''))
        : [];
      setSaveError(message(e));
      setProblems(listed);
    } finally {
      setSaving(false);
    }
  };

  return (
    <section aria-labelledby="value-maps-title" className="panel value-maps">
      <h2 id="value-maps-title">Value maps</h2>
      {names.length === 0 && <p className="muted">This flow declares no picklist value maps (<code>picklists:</code>).</p>}
      {names.map((name) => {
        const list = rows(name);
        const allowed = valuesOf(name);
        const listId = `picklist-values-${name}`;
        const seen = new Map<string, number>();
        list.forEach((r) => seen.set(r.source, (seen.get(r.source) ?? 0) + 1));
        return (
          <div key={name} className="value-map" data-testid={`value-map-${name}`}>
            <h3>{name}</h3>
            <p className="muted">
              {usedBy[name]?.length
                ? <>Used by {usedBy[name].map((f, i) => <span key={f}>{i ? ', ' : ''}<code>{f}</code></span>)}</>
                : 'No field of the mapping uses it through $picklist (flow steps may).'}
            </p>
            {allowed && (
              <datalist id={listId}>{allowed.map((v) => <option key={v} value={v} />)}</datalist>
            )}
            <table>
              <caption className="sr-only">Value map {name}</caption>
              <thead><tr><th scope="col">Source value</th><th scope="col">Target value</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
              <tbody>
                {list.map((r, i) => {
                  const unknown = allowed !== null && r.target !== '' && !allowed.includes(r.target);
                  const bad = r.source.trim() === '' || (seen.get(r.source) ?? 0) > 1;
                  return (
                    <tr key={i}>
                      <td>
                        <input aria-label={`${name} row ${i + 1} source value`} value={r.source} readOnly={!canSave}
                          aria-invalid={bad || undefined}
                          onChange={(e) => change(name, list.map((x, j) => (j === i ? { ...x, source: e.target.value } : x)))} />
                      </td>
                      <td>
                        <input aria-label={`${name} row ${i + 1} target value`} value={r.target} readOnly={!canSave}
                          list={allowed ? listId : undefined} aria-invalid={unknown || undefined}
                          onChange={(e) => change(name, list.map((x, j) => (j === i ? { ...x, target: e.target.value } : x)))} />
                        {unknown && <span className="badge badge-warn" data-testid="unknown-value"> not a picklist value of the org</span>}
                      </td>
                      <td>
                        {canSave && (
                          <button type="button" aria-label={`Remove row ${i + 1} of ${name}`}
                            onClick={() => change(name, list.filter((_, j) => j !== i))}>Remove</button>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            {canSave && (
              <button type="button" onClick={() => change(name, [...list, { source: '', target: '' }])}>
                Add a row to {name}
              </button>
            )}
          </div>
        );
      })}
      {canSave && names.length > 0 && (
        <p>
          <button type="button" onClick={save} disabled={!dirty || saving || !def.editable}
            title={def.editable ? undefined : 'this Tandem has no flows.dir'}>
            {saving ? 'Saving…' : 'Save value maps'}
          </button>
          {dirty && <span className="badge">unsaved changes</span>}
        </p>
      )}
      {saveError && <p className="error" role="alert" data-testid="value-maps-error">Not saved: {saveError}</p>}
      {problems.length > 0 && (
        <ul className="error" role="alert" data-testid="value-maps-problems">{problems.map((p) => <li key={p}>{p}</li>)}</ul>
      )}
      {notice && <p role="status" data-testid="value-maps-notice">{notice}</p>}
    </section>
  );
}

/** What is wrong with a lookup table's rows before it may be saved: an empty or a duplicate key. */
export function keyProblems(name: string, key: string, columns: string[], rows: string[][]): string[] {
  const k = columns.indexOf(key);
  if (k < 0) {
    return [`${name}: the key column ${key} is missing`];
  }
  const out: string[] = [];
  const seen = new Map<string, number>();
  rows.forEach((r, i) => {
    const v = (r[k] ?? '').trim();
    if (v === '') {
      out.push(`${name}, row ${i + 1}: the key (${key}) is empty`);
    } else if (seen.has(v)) {
      out.push(`${name}, row ${i + 1}: the key "${v}" appears twice (first in row ${seen.get(v)})`);
    } else {
      seen.set(v, i + 1);
    }
  });
  return out;
}

/**
 * The PUT body: cells as text, except in a column whose values were numbers or true/false (a YAML table keeps its
 * types; LookupTableWriter.java), where a cell that still reads as one is sent as one.
 */
export function tableBody(t: LookupTableView, rows: string[][]) {
  const kind = t.columns.map((c) => typeof t.rows.map((r) => r[c]).find((v) => v !== null && v !== undefined && v !== ''));
  return {
    columns: t.columns,
    rows: rows.map((r) => r.map((v, c) => {
      if (kind[c] === 'number' && v.trim() !== '' && !Number.isNaN(Number(v))) {
        return Number(v);
      }
      if (kind[c] === 'boolean' && (v === 'true' || v === 'false')) {
        return v === 'true';
      }
      return v;
    })),
  };
}

/** Beyond this many rows only the rows in view (plus a few) are in the DOM (@tanstack/react-virtual). */
export const VIRTUAL_ROWS = 200;
/** From this many rows a table has a search box that shows only the rows holding its text. */
export const SEARCH_ROWS = 20;
/** One row's height in px as the virtualizer estimates it (an input's height plus the cell's padding). */
const ROW_PX = 34;
const MAX_ROWS = 10_000;
const MAX_BODY_BYTES = 1024 * 1024;

/** The indices of the rows holding `text` in a cell (ignoring case), or every row when it is blank. */
export function matchingRows(rows: string[][], text: string): number[] {
  const f = text.trim().toLowerCase();
  const all = rows.map((_, i) => i);
  return f === '' ? all : all.filter((i) => rows[i].some((v) => v.toLowerCase().includes(f)));
}

/** What would stop a save before it is sent: more rows than a save holds, or a body larger than the server takes. */
export function sizeProblems(t: LookupTableView, body: unknown, maxRows = MAX_ROWS, maxBytes = MAX_BODY_BYTES): string[] {
  const rows = (body as { rows: unknown[] }).rows.length;
  if (rows > maxRows) {
    return [`${t.name} has ${rows.toLocaleString('en')} rows; a save from the console holds at most `
      + `${maxRows.toLocaleString('en')}: edit ${t.file} outside the console, or split the table`];
  }
  const bytes = new TextEncoder().encode(JSON.stringify(body)).length;
  if (bytes > maxBytes) {
    return [`${t.name} is ${bytes.toLocaleString('en')} bytes as sent; a save from the console holds at most `
      + `${maxBytes.toLocaleString('en')} bytes (1 MiB): edit ${t.file} outside the console, or split the table`];
  }
  return [];
}

/**
 * A table's rows, read-only or (with `onChange`) as inputs, with a search box from SEARCH_ROWS rows and, from
 * VIRTUAL_ROWS rows, only the rows in view in the DOM (a spacer row above and below keeps the scroll bar true;
 * https://tanstack.com/virtual/latest/docs/api/virtualizer). Rows keep their numbers in the file while searched.
 */
export function TableGrid({ t, rows, onChange }: { t: LookupTableView; rows: string[][]; onChange?: (rows: string[][]) => void }) {
  const [search, setSearch] = useState('');
  // The rows matching the search when it was typed: a cell edited no longer to match stays in view while edited.
  const [matches, setMatches] = useState<number[] | null>(null);
  const [toEnd, setToEnd] = useState(false);
  const scroller = useRef<HTMLDivElement>(null);
  const shown = matches ?? rows.map((_, i) => i);
  const virtual = rows.length > VIRTUAL_ROWS;
  const virtualizer = useVirtualizer({
    count: virtual ? shown.length : 0,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_PX,
    overscan: 8,
    initialRect: { width: 1000, height: 320 },
  });
  useEffect(() => {
    if (toEnd) {
      setToEnd(false);
      if (virtual) {
        virtualizer.scrollToIndex(rows.length - 1, { align: 'end' });
      } else if (scroller.current) {
        scroller.current.scrollTop = scroller.current.scrollHeight;
      }
    }
  }, [toEnd, virtual, virtualizer, rows.length]);
  const items = virtual ? virtualizer.getVirtualItems() : null;
  const visible = items ? items.map((v) => shown[v.index]).filter((i) => i !== undefined) : shown;
  const top = items && items.length ? items[0].start : 0;
  const bottom = items && items.length ? virtualizer.getTotalSize() - items[items.length - 1].end : 0;
  const find = (text: string) => {
    setSearch(text);
    setMatches(text.trim() === '' ? null : matchingRows(rows, text));
  };
  const remove = (i: number) => {
    onChange?.(rows.filter((_, k) => k !== i));
    setMatches((m) => (m ? m.filter((k) => k !== i).map((k) => (k > i ? k - 1 : k)) : m));
  };
  const add = () => {
    onChange?.([...rows, t.columns.map(() => '')]);
    setSearch('');
    setMatches(null);
    setToEnd(true);
  };
  const span = t.columns.length + (onChange ? 1 : 0);
  return (
    <>
      {rows.length >= SEARCH_ROWS && (
        <p className="lookup-search">
          <label>Find in {t.name}{' '}
            <input type="search" value={search} onChange={(e) => find(e.target.value)} aria-label={`Find in ${t.name}`} />
          </label>{' '}
          <span role="status" data-testid={`lookup-${t.name}-shown`}>
            {matches ? `${matches.length.toLocaleString('en')} of ${rows.length.toLocaleString('en')} rows`
              : `${rows.length.toLocaleString('en')} rows`}
          </span>
        </p>
      )}
      <div ref={scroller} className="table-scroll" tabIndex={0} role="region"
        aria-label={`Lookup table ${t.name}${onChange ? ', editing' : ''}`} data-testid={`lookup-${t.name}-scroller`}>
        <table aria-rowcount={rows.length + 1}>
          <caption className="sr-only">Lookup table {t.name}{onChange ? ', editing' : ''}</caption>
          <thead><tr aria-rowindex={1}>{t.columns.map((c) => (
            <th key={c} scope="col">{c}{c === t.keyColumn ? ' (key)' : ''}</th>
          ))}{onChange && <th scope="col"><span className="sr-only">Actions</span></th>}</tr></thead>
          <tbody>
            {top > 0 && <tr aria-hidden="true" style={{ height: top }}><td colSpan={span} /></tr>}
            {visible.map((i) => (
              <tr key={i} aria-rowindex={i + 2} data-testid="lookup-row" style={virtual ? { height: ROW_PX } : undefined}>
                {t.columns.map((c, j) => (
                  <td key={c}>
                    {onChange ? (
                      <input aria-label={`${t.name} row ${i + 1} ${c}`} value={rows[i][j]}
                        onChange={(e) => onChange(rows.map((x, k) => (k === i ? x.map((v, m) => (m === j ? e.target.value : v)) : x)))} />
                    ) : rows[i][j]}
                  </td>
                ))}
                {onChange && (
                  <td>
                    <button type="button" aria-label={`Remove row ${i + 1} of ${t.name}`} onClick={() => remove(i)}>Remove</button>
                  </td>
                )}
              </tr>
            ))}
            {bottom > 0 && <tr aria-hidden="true" style={{ height: bottom }}><td colSpan={span} /></tr>}
          </tbody>
        </table>
        {matches && matches.length === 0 && <p className="muted">No row holds “{search.trim()}”.</p>}
      </div>
      {onChange && (
        <p><button type="button" onClick={add}>Add a row to {t.name}</button></p>
      )}
    </>
  );
}

/** The flow's lookup tables; admins edit one at a time and save it (dry run first) through PUT /flows/{id}/lookups/{name}. */
/** onSaved: the flow now runs with the saved table (the mapping page previews again with it). */
export function LookupTablesPanel({ id, canSave = false, onSaved }: { id: string; canSave?: boolean; onSaved?: () => void }) {
  const loaded = useLoad(() => api<LookupTablesView>('GET', `/flows/${encodeURIComponent(id)}/lookups`), [id]);
  const [editing, setEditing] = useState<{ name: string; rows: string[][] } | null>(null);
  const [problems, setProblems] = useState<string[]>([]);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  // Read-only cells as text, once per load (a table may have 10,000 rows).
  const texts = useMemo(() => new Map((loaded.data?.items ?? []).map((t) => [t.name,
    t.rows.map((r) => t.columns.map((c) => cell(r[c])))])), [loaded.data]);
  if (!loaded.data) {
    return loaded.error ? <ErrorBox error={loaded.error} onRetry={loaded.reload} /> : <p role="status">Loading the lookup tables…</p>;
  }
  const items = loaded.data.items;
  const maxRows = loaded.data.maxRows ?? MAX_ROWS;
  const edit = (t: LookupTableView) => {
    setEditing({ name: t.name, rows: (texts.get(t.name) ?? []).map((r) => [...r]) });
    setProblems([]);
    setSaveError(null);
    setNotice(null);
  };
  const change = (rows: string[][]) => {
    setEditing((e) => (e ? { ...e, rows } : e));
    setProblems([]);
  };
  const save = async (t: LookupTableView) => {
    if (!editing) {
      return;
    }
    const found = keyProblems(t.name, t.keyColumn ?? t.columns[0], t.columns, editing.rows);
    if (found.length) {
      setProblems(found.length > 20 ? [...found.slice(0, 20), `… and ${found.length - 20} more`] : found);
      return;
    }
    const path = `/flows/${encodeURIComponent(id)}/lookups/${encodeURIComponent(t.name)}`;
    const body = tableBody(t, editing.rows);
    const tooLarge = sizeProblems(t, body, maxRows, loaded.data?.maxBodyBytes ?? MAX_BODY_BYTES);
    if (tooLarge.length) {
      setProblems(tooLarge);
      return;
    }
    setSaving(true);
    setSaveError(null);
    setProblems([]);
    try {
      await api('PUT', `${path}?dryRun=true`, body);
      const r = await api<{ file: string; version: string }>('PUT', path, body);
      setNotice(`Saved ${t.name} into ${r.file}: flow version ${r.version}.`);
      setEditing(null);
      loaded.reload();
      onSaved?.();
    } catch (e) {
      const listed = e instanceof ApiError && Array.isArray(e.problem?.problems)
        ? (e.problem!.problems as { message?: string }[]).map((p) => p.message ?? '')
        : [];
      setSaveError(message(e));
      setProblems(listed);
    } finally {
      setSaving(false);
    }
  };
  return (
    <section aria-labelledby="lookup-tables-title" className="panel lookup-tables">
      <h2 id="lookup-tables-title">Lookup tables</h2>
      {items.length === 0 && <p className="muted">This flow declares no lookup tables (<code>lookups:</code>).</p>}
      {items.map((t) => {
        const rows = editing?.name === t.name ? editing.rows : null;
        return (
          <div key={t.name} className="lookup-table" data-testid={`lookup-${t.name}`}>
            <h3>{t.name} <code>{t.file}</code></h3>
            {canSave && !t.problem && !t.truncated && !rows && (
              <button type="button" onClick={() => edit(t)} disabled={editing !== null}>Edit {t.name}</button>
            )}
            {t.problem ? <p className="error" role="alert">{t.problem}</p> : rows ? (
              <>
                <TableGrid t={t} rows={rows} onChange={change} />
                <p>
                  <button type="button" onClick={() => save(t)} disabled={saving}>{saving ? 'Saving…' : `Save ${t.name}`}</button>{' '}
                  <button type="button" onClick={() => { setEditing(null); setProblems([]); setSaveError(null); }}>Cancel</button>
                </p>
              </>
            ) : t.rows.length === 0 ? (
              <p className="muted">The table is empty.</p>
            ) : (
              <TableGrid t={t} rows={texts.get(t.name) ?? []} />
            )}
            {t.truncated && <p className="muted">The first {t.rows.length.toLocaleString('en')} of {t.size.toLocaleString('en')} rows
              {canSave ? ` (a table longer than ${maxRows.toLocaleString('en')} rows is edited in its file)` : ''}.</p>}
          </div>
        );
      })}
      {saveError && <p className="error" role="alert" data-testid="lookup-tables-error">Not saved: {saveError}</p>}
      {problems.length > 0 && (
        <ul className="error" role="alert" data-testid="lookup-tables-problems">{problems.map((p) => <li key={p}>{p}</li>)}</ul>
      )}
      {notice && <p role="status" data-testid="lookup-tables-notice">{notice}</p>}
    </section>
  );
}

function cell(v: unknown): string {
  return v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
}
