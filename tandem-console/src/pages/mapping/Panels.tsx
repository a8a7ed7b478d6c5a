import { useState } from 'react';
import { message } from '../../api';
import { JsonView } from '../../components/common';
import type { PreviewView, SuggestionsView, SuggestionView } from './types';

export type Sample = { kind: 'example' } | { kind: 'json'; text: string } | { kind: 'key'; key: string };

/** The preview of the sample record through the flow: outcome, validation, the object's mapped fields, the plan. */
export function PreviewPanel({ sample, onSample, preview, error, busy, object }: {
  sample: Sample;
  onSample: (s: Sample) => void;
  preview: PreviewView | null;
  error: unknown;
  busy: boolean;
  object: string | null;
}) {
  const [json, setJson] = useState(sample.kind === 'json' ? sample.text : '');
  const [key, setKey] = useState(sample.kind === 'key' ? sample.key : '');
  const mine = preview?.output.filter((r) => r.entity === object) ?? [];
  return (
    <section aria-labelledby="preview-title" className="panel mapping-preview">
      <h2 id="preview-title">Preview {busy && <span className="muted" role="status">(running…)</span>}</h2>
      <fieldset>
        <legend>Sample record</legend>
        <label>
          <input type="radio" name="sample" checked={sample.kind === 'example'} onChange={() => onSample({ kind: 'example' })} />
          The flow&apos;s example
        </label>
        <label>
          <input type="radio" name="sample" checked={sample.kind === 'json'} onChange={() => onSample({ kind: 'json', text: json })} />
          Pasted JSON
        </label>
        <label>
          <input type="radio" name="sample" checked={sample.kind === 'key'} onChange={() => onSample({ kind: 'key', key })} />
          Fetch by key from Clarity
        </label>
        {sample.kind === 'json' && (
          <div>
            <label htmlFor="sample-json">Source record (JSON)</label>
            <textarea id="sample-json" rows={6} spellCheck={false} value={json} onChange={(e) => setJson(e.target.value)} />
            <button type="button" onClick={() => onSample({ kind: 'json', text: json })}>Use this record</button>
          </div>
        )}
        {sample.kind === 'key' && (
          <form className="row" onSubmit={(e) => { e.preventDefault(); onSample({ kind: 'key', key: key.trim() }); }}>
            <label htmlFor="sample-key">Order key</label>
            <input id="sample-key" value={key} onChange={(e) => setKey(e.target.value)} placeholder="e.g. SO-5001" />
            <button type="submit" disabled={!key.trim()}>Fetch order</button>
          </form>
        )}
      </fieldset>
      {error ? (
        <p className="error" role="alert" data-testid="preview-error">{message(error)}</p>
      ) : null}
      {preview && (
        <div data-testid="preview-result">
          <p className={`outcome outcome-${preview.outcome.result}`} data-testid="preview-outcome">
            <strong>{preview.outcome.result === 'write' ? 'Would write' : preview.outcome.result}</strong>
            {preview.outcome.code ? ` ${preview.outcome.code}` : ''}: {preview.outcome.message}
          </p>
          <h3>Validation</h3>
          {preview.validation.length === 0 ? <p className="muted">No validate step ran.</p> : (
            <ul className="validation">
              {preview.validation.map((v, i) => (
                <li key={i} className={`v-${v.outcome.toLowerCase()}`}>
                  <strong>{v.outcome}</strong> {v.request}{v.detail ? ` — ${v.detail}` : ''}
                </li>
              ))}
            </ul>
          )}
          <h3>Mapped {object ?? 'output'}</h3>
          {mine.length > 0
            ? mine.map((r) => <JsonView key={r.ref} value={r.fields} label={`Mapped fields of ${r.ref}`} />)
            : <JsonView value={preview.output.length ? preview.output : null} label="Mapped output" />}
          <h3>Write plan</h3>
          <ul data-testid="write-plan">
            {preview.plan.objects.map((o) => (
              <li key={o.ref}><code>{o.entity}</code> ({o.ref}): {o.operation}, {o.fields} fields</li>
            ))}
          </ul>
          <ul>
            {preview.plan.calls.map((c) => <li key={c}><code>{c}</code></li>)}
          </ul>
          <details>
            <summary>Every step</summary>
            <ul>
              {preview.steps.map((s, i) => (
                <li key={i}>{s.step}: {s.outcome}{s.detail ? ` — ${s.detail}` : ''}</li>
              ))}
            </ul>
          </details>
        </div>
      )}
    </section>
  );
}

/** The best suggestion per source field at or above the threshold, for targets not mapped yet. */
export function acceptable(data: SuggestionsView, threshold: number, mapped: Set<string>): { source: string; s: SuggestionView }[] {
  const out: { source: string; s: SuggestionView }[] = [];
  const taken = new Set(mapped);
  for (const item of data.items) {
    const best = item.suggestions[0];
    if (best && best.score >= threshold && !taken.has(best.target)) {
      out.push({ source: item.source, s: best });
      taken.add(best.target);
    }
  }
  return out;
}

/**
 * The ranked suggestions with score and reasons; Accept applies one to the mapping (and remembers it), Reject
 * remembers the refusal; "Accept all ≥ threshold" applies the best of each field at or above it. Nothing is applied
 * without a click.
 */
export function SuggestionsPanel({ data, error, busy, canDecide, mapped, onLoad, onAccept, onReject, onAcceptAll }: {
  data: SuggestionsView | null;
  error: unknown;
  busy: boolean;
  canDecide: boolean;
  mapped: Set<string>;
  onLoad: () => void;
  onAccept: (source: string, s: SuggestionView) => void;
  onReject: (source: string, s: SuggestionView) => void;
  onAcceptAll: (picked: { source: string; s: SuggestionView }[]) => void;
}) {
  const [threshold, setThreshold] = useState(0.8);
  const picked = data ? acceptable(data, threshold, mapped) : [];
  return (
    <section aria-labelledby="suggestions-title" className="panel mapping-suggestions">
      <h2 id="suggestions-title">Suggestions</h2>
      <p className="muted">
        Ranked offline on this machine from names, types and sample values (docs/ai-mapping.md). A score of 0.5 or
        more is more likely right than wrong.
      </p>
      <button type="button" onClick={onLoad} disabled={busy}>{busy ? 'Suggesting…' : data ? 'Suggest again' : 'Suggest mappings'}</button>
      {error ? <p className="error" role="alert">{message(error)}</p> : null}
      {data && (
        <>
          {canDecide && (
            <div className="row">
              <label htmlFor="threshold">Threshold</label>
              <input id="threshold" type="number" min={0} max={1} step={0.05} value={threshold}
                onChange={(e) => setThreshold(Number(e.target.value))} />
              <button type="button" disabled={picked.length === 0} onClick={() => onAcceptAll(picked)}>
                Accept all ≥ {threshold} ({picked.length})
              </button>
            </div>
          )}
          {data.items.length === 0 && <p className="muted">No source field has a suggestion.</p>}
          <ul className="suggestions" data-testid="suggestions">
            {data.items.map((item) => (
              <li key={item.source}>
                <code>{item.source}</code>
                <ol>
                  {item.suggestions.map((s) => (
                    <li key={s.target} data-testid={`suggestion-${item.source}-${s.target}`}>
                      → <code>{s.target}</code> <span className="score">{s.score.toFixed(2)}</span>
                      {s.fromEarlierAccept && <span className="badge">from an earlier accept</span>}
                      {mapped.has(s.target) && <span className="badge">mapped</span>}
                      <div className="muted">{s.reasons.join('; ')}</div>
                      <div><code className="field-expr">{s.expression}</code></div>
                      {canDecide && (
                        <div className="row">
                          <button type="button" onClick={() => onAccept(item.source, s)}
                            aria-label={`Accept ${item.source} → ${s.target}`}>Accept</button>
                          <button type="button" onClick={() => onReject(item.source, s)}
                            aria-label={`Reject ${item.source} → ${s.target}`}>Reject</button>
                        </div>
                      )}
                    </li>
                  ))}
                </ol>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
