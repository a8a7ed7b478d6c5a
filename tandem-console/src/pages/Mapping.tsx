import { useEffect, useMemo, useRef, useState } from 'react';
import { allows, api, message, type Role } from '../api';
import { ErrorBox, useLoad } from '../components/common';
import { Link } from '../router';
import { Canvas } from './mapping/Canvas';
import { fieldsBlock, pathExpression, records, removeField, setField, sourcesOf } from './mapping/mappingText';
import { PreviewPanel, SuggestionsPanel, type Sample } from './mapping/Panels';
import { LookupTablesPanel, ValueMapsPanel } from './mapping/Tables';
import type { MappingView, PreviewView, RecordReadsView, SaveView, SuggestionsView, SuggestionView } from './mapping/types';

const PREVIEW_DELAY_MS = 400;

/** The source fields a record field reads: the server's paths (Totals.Tax, SalesItems.Sku) to the listed paths. */
function linked(reads: string[], paths: string[]): string[] {
  const wanted = new Set(reads);
  return paths.filter((p) => wanted.has(p.replace(/\[\]/g, '')));
}

/** The body naming the sample record, as the preview and suggestions calls take it. */
function sampleBody(sample: Sample): Record<string, unknown> {
  if (sample.kind === 'json') {
    let record: unknown;
    try {
      record = JSON.parse(sample.text);
    } catch (e) {
      throw new Error(`The pasted record is not JSON: ${message(e)}`);
    }
    if (!record || typeof record !== 'object' || Array.isArray(record)) {
      throw new Error('The pasted record must be one JSON object (the source record)');
    }
    return { record };
  }
  return sample.kind === 'key' ? { clarityKey: sample.key } : {};
}

/**
 * The mapping canvas of one flow (/flows/:id/mapping): its JSONata mapping edited field by field against the
 * target object's describe, previewed live on a sample record, with ranked suggestions; admins save it.
 */
export default function MappingPage({ id, role }: { id: string; role: Role }) {
  const [object, setObject] = useState<string | null>(null);
  // which of the object's records the canvas edits (a mapping may write several OrderItems: products, charges)
  const [recordIndex, setRecordIndex] = useState(0);
  const loaded = useLoad(() => api<MappingView>('GET', `/flows/${encodeURIComponent(id)}/mapping${
    object ? `?object=${encodeURIComponent(object)}` : ''}`), [id, object]);
  const view = loaded.data;
  const [text, setText] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  // Bumped when a value map or lookup table is saved: the flow runs with it now, so the preview runs again.
  const [tablesSaved, setTablesSaved] = useState(0);
  const [editError, setEditError] = useState<string | null>(null);
  const [sample, setSample] = useState<Sample>({ kind: 'example' });
  const [preview, setPreview] = useState<PreviewView | null>(null);
  const [previewError, setPreviewError] = useState<unknown>(null);
  const [previewBusy, setPreviewBusy] = useState(false);
  const [suggestions, setSuggestions] = useState<SuggestionsView | null>(null);
  const [suggestError, setSuggestError] = useState<unknown>(null);
  const [suggestBusy, setSuggestBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<unknown>(null);
  // the server's reads (source paths per field) and the text they are of: lines follow them while they are current
  const [readsFor, setReadsFor] = useState<{ text: string; reads: RecordReadsView[] } | null>(null);
  const generation = useRef(0);
  const canSave = allows(role, 'admin');
  const canDecide = allows(role, 'operator');

  useEffect(() => {
    if (view && text === null) {
      setText(view.text);
      setSaved(view.text);
      if (view.reads) {
        setReadsFor({ text: view.text, reads: view.reads });
      }
    }
  }, [view, text]);

  const current = view?.object ?? object;
  const choices = useMemo(() => (text !== null && current ? records(text, current) : []), [text, current]);
  const index = recordIndex < choices.length ? recordIndex : 0;
  const block = useMemo(() => (text !== null && current ? fieldsBlock(text, current, index) : null),
    [text, current, index]);
  const sources = preview?.sourceFields ?? view?.sourceFields ?? [];
  const targets = useMemo(() => (view?.targetFields ?? []).filter((f) => f.createable || f.updateable), [view]);
  const links = useMemo(() => {
    const out: Record<string, string[]> = {};
    const paths = sources.map((s) => s.path);
    const record = readsFor && readsFor.text === text
      ? readsFor.reads.find((r) => r.entity === current && r.index === index) : undefined;
    block?.entries.forEach((e) => {
      // the server's reads of this text when it has them (every path the expression reads, relative paths
      // resolved in the record's context); until then, or when the text does not parse, the paths written out
      const ss = record ? linked(record.fields[e.name] ?? [], paths) : sourcesOf(e.expression, paths);
      if (ss.length) {
        out[e.name] = ss;
      }
    });
    return out;
  }, [block, sources, readsFor, text, current, index]);
  const mapped = useMemo(() => new Set(block?.entries.map((e) => e.name) ?? []), [block]);

  // The preview follows every edit, debounced; an answer to an older edit is dropped.
  useEffect(() => {
    if (text === null) {
      return undefined;
    }
    const mine = ++generation.current;
    const timer = window.setTimeout(async () => {
      setPreviewBusy(true);
      try {
        const result = await api<PreviewView>('POST', `/flows/${encodeURIComponent(id)}/mapping/preview`,
          { mapping: text, ...sampleBody(sample) });
        if (mine === generation.current) {
          setPreview(result);
          setPreviewError(null);
          if (result.reads) {
            setReadsFor({ text, reads: result.reads });
          }
        }
      } catch (e) {
        if (mine === generation.current) {
          setPreviewError(e);
        }
      } finally {
        if (mine === generation.current) {
          setPreviewBusy(false);
        }
      }
    }, PREVIEW_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [id, text, sample, tablesSaved]);

  const edit = (change: (t: string) => string, what: string) => {
    if (text === null) {
      return;
    }
    try {
      setText(change(text));
      setEditError(null);
      setNotice(what);
    } catch (e) {
      setEditError(message(e));
    }
  };

  const loadSuggestions = async () => {
    if (!current) {
      return;
    }
    setSuggestBusy(true);
    setSuggestError(null);
    try {
      setSuggestions(await api<SuggestionsView>('POST', `/flows/${encodeURIComponent(id)}/mapping/suggestions`,
        { object: current, ...sampleBody(sample) }));
    } catch (e) {
      setSuggestError(e);
    } finally {
      setSuggestBusy(false);
    }
  };

  const decide = async (list: { source: string; s: SuggestionView }[], accepted: boolean) => {
    if (!current) {
      return;
    }
    try {
      await api('POST', '/mapping/decisions', {
        flow: id, object: current,
        decisions: list.map(({ source, s }) => ({ source, target: s.target, accepted })),
      });
    } catch (e) {
      setSuggestError(new Error(`The decision was not remembered: ${message(e)}`));
      return;
    }
    if (accepted) {
      edit((t) => list.reduce((acc, { s }) => setField(acc, current, s.target, s.expression, index), t),
        `Accepted ${list.map(({ source, s }) => `${source} → ${s.target}`).join(', ')}`);
    } else {
      setNotice(`Rejected ${list.map(({ source, s }) => `${source} → ${s.target}`).join(', ')}`);
      setSuggestions((d) => d && { ...d, items: d.items.map((i) => ({
        ...i, suggestions: i.suggestions.filter((x) => !list.some((l) => l.source === i.source && l.s.target === x.target)),
      })) });
    }
  };

  const save = async () => {
    if (text === null) {
      return;
    }
    setSaving(true);
    setSaveError(null);
    try {
      const r = await api<SaveView>('PUT', `/flows/${encodeURIComponent(id)}/mapping`, { text });
      setSaved(text);
      setNotice(`Saved ${r.file}: version ${r.version} (was ${r.previousVersion}); the server reloads the flow.`);
    } catch (e) {
      setSaveError(e);
    } finally {
      setSaving(false);
    }
  };

  if (!view || text === null) {
    return loaded.error ? <ErrorBox error={loaded.error} onRetry={loaded.reload} /> : <p role="status">Loading the mapping…</p>;
  }
  const dirty = text !== saved;
  const where = choices.length > 1 ? ` in record ${index + 1} of ${current}` : '';
  return (
    <section aria-labelledby="mapping-title" className="mapping-page">
      <p><Link to="/flows">← Flows</Link></p>
      <h1 id="mapping-title">Mapping of {view.flow}</h1>
      <p className="muted">
        <code>{view.file}</code>, version <code>{view.version}</code>
        {view.shipped ? ' (shipped: saving copies the flow into flows.dir)' : ''}.
      </p>
      <div className="row">
        <label htmlFor="target-object">Target object</label>
        <select id="target-object" value={current ?? ''} onChange={(e) => { setObject(e.target.value); setRecordIndex(0); setSuggestions(null); }}>
          {view.objects.map((o) => <option key={o} value={o}>{o}</option>)}
        </select>
        {choices.length > 1 && (
          <>
            <label htmlFor="target-record">Record</label>
            <select id="target-record" value={index} onChange={(e) => setRecordIndex(Number(e.target.value))}>
              {choices.map((r) => <option key={r.index} value={r.index}>{r.label}</option>)}
            </select>
          </>
        )}
        {canSave && (
          <button type="button" onClick={save} disabled={saving || !dirty || !view.writable}
            title={view.writable ? undefined : 'this Tandem has no flows.dir'}>
            {saving ? 'Saving…' : 'Save mapping'}
          </button>
        )}
        {dirty && <span className="badge">unsaved changes</span>}
      </div>
      {canSave && !view.writable && <p className="muted">This Tandem has no flows.dir, so mappings cannot be saved here.</p>}
      {saveError ? <p className="error" role="alert" data-testid="save-error">Not saved: {message(saveError)}</p> : null}
      {notice && <p role="status" data-testid="notice">{notice}</p>}
      {editError && <p className="error" role="alert">{editError}</p>}
      {view.targetError && <p className="error" role="alert">{view.targetError}</p>}
      {!block && current && (
        <p className="error" role="alert">
          The mapping has no record with &quot;entity&quot;: &quot;{current}&quot; and a &quot;fields&quot; object
          {choices.length > 1 ? ` (record ${index + 1})` : ''}; edit its text below.
        </p>
      )}
      <div className="mapping-layout">
        <Canvas sources={sources} targets={targets} entries={block?.entries ?? []} links={links}
          onMap={(s, t) => current && edit((x) => setField(x, current, t, pathExpression(s), index), `Mapped ${s} → ${t}${where}`)}
          onSetExpression={(t, x) => current && edit((y) => setField(y, current, t, x, index), `Set the expression of ${t}${where}`)}
          onRemove={(t) => current && edit((y) => removeField(y, current, t, index), `Removed ${t}${where}`)} />
        <div className="mapping-side">
          <PreviewPanel sample={sample} onSample={setSample} preview={preview} error={previewError}
            busy={previewBusy} object={current} />
          <SuggestionsPanel data={suggestions} error={suggestError} busy={suggestBusy} canDecide={canDecide}
            mapped={mapped} onLoad={loadSuggestions}
            onAccept={(source, s) => decide([{ source, s }], true)}
            onReject={(source, s) => decide([{ source, s }], false)}
            onAcceptAll={(list) => decide(list, true)} />
        </div>
      </div>
      <details className="mapping-text">
        <summary>The mapping&apos;s text ({view.file})</summary>
        <label htmlFor="mapping-text">JSONata text</label>
        <textarea id="mapping-text" rows={20} spellCheck={false} value={text}
          readOnly={!canSave} onChange={(e) => setText(e.target.value)} />
      </details>
      <div className="mapping-tables">
        <ValueMapsPanel id={id} canSave={canSave} text={text} object={current} targets={view.targetFields}
          revision={saved} onSaved={() => setTablesSaved((n) => n + 1)} />
        <LookupTablesPanel id={id} canSave={canSave} onSaved={() => setTablesSaved((n) => n + 1)} />
      </div>
    </section>
  );
}
