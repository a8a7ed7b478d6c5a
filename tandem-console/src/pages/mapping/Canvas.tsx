import { useCallback, useLayoutEffect, useRef, useState, type DragEvent } from 'react';
import { ExpressionEditor } from './ExpressionEditor';
import type { FieldEntry } from './mappingText';
import type { SourceFieldView, TargetFieldView } from './types';

const DRAG_TYPE = 'application/x-tandem-source';

interface Line {
  source: string;
  target: string;
  y1: number;
  y2: number;
}

/**
 * Source fields on the left, the target object's writable fields on the right, a line for every target whose
 * expression reads a source path. Drag a source onto a target to map it, or (keyboard) select a source, select a
 * target and press Map. Each target's expression opens in an editor. Required targets without an entry are flagged.
 */
export function Canvas({ sources, targets, entries, links, onMap, onSetExpression, onRemove }: {
  sources: SourceFieldView[];
  targets: TargetFieldView[];
  entries: FieldEntry[];
  /** per target field, the source paths its expression reads */
  links: Record<string, string[]>;
  onMap: (source: string, target: string) => void;
  onSetExpression: (target: string, expression: string) => void;
  onRemove: (target: string) => void;
}) {
  const [source, setSource] = useState<string | null>(null);
  const [target, setTarget] = useState<string | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [over, setOver] = useState<string | null>(null);
  const [lines, setLines] = useState<Line[]>([]);
  const [height, setHeight] = useState(0);
  const box = useRef<HTMLDivElement>(null);
  const rows = useRef(new Map<string, HTMLElement>());
  const byName = new Map(entries.map((e) => [e.name, e]));

  const measure = useCallback(() => {
    const root = box.current;
    if (!root) {
      return;
    }
    const top = root.getBoundingClientRect().top;
    const mid = (el: HTMLElement | undefined) => {
      if (!el) {
        return null;
      }
      const r = el.getBoundingClientRect();
      return r.top - top + r.height / 2;
    };
    const next: Line[] = [];
    Object.entries(links).forEach(([t, ss]) => ss.forEach((s) => {
      const y1 = mid(rows.current.get(`s:${s}`));
      const y2 = mid(rows.current.get(`t:${t}`));
      if (y1 !== null && y2 !== null) {
        next.push({ source: s, target: t, y1, y2 });
      }
    }));
    setLines(next);
    setHeight(root.getBoundingClientRect().height);
  }, [links]);

  useLayoutEffect(() => {
    measure();
    window.addEventListener('resize', measure);
    return () => window.removeEventListener('resize', measure);
  }, [measure, sources, targets, editing]);

  const ref = (key: string) => (el: HTMLElement | null) => {
    if (el) {
      rows.current.set(key, el);
    } else {
      rows.current.delete(key);
    }
  };

  const drop = (e: DragEvent, t: string) => {
    e.preventDefault();
    setOver(null);
    const s = e.dataTransfer.getData(DRAG_TYPE) || e.dataTransfer.getData('text/plain');
    if (s && sources.some((f) => f.path === s)) {
      onMap(s, t);
      setSource(null);
      setTarget(null);
    }
  };

  const mapSelected = () => {
    if (source && target) {
      onMap(source, target);
      setSource(null);
      setTarget(null);
    }
  };

  const mappedSources = new Set(Object.values(links).flat());

  return (
    <div className="mapping-canvas-wrap">
      <div className="row mapping-keyboard" role="group" aria-label="Map with the keyboard">
        <span>
          Source: <strong data-testid="selected-source">{source ?? 'none'}</strong>, target:{' '}
          <strong data-testid="selected-target">{target ?? 'none'}</strong>
        </span>
        <button type="button" onClick={mapSelected} disabled={!source || !target}>
          Map{source && target ? ` ${source} → ${target}` : ''}
        </button>
      </div>
      <div className="mapping-canvas" ref={box}>
        <section aria-labelledby="sources-title" className="mapping-column">
          <h2 id="sources-title">Source fields ({sources.length})</h2>
          <ul className="field-list">
            {sources.map((f) => (
              <li key={f.path} ref={ref(`s:${f.path}`)} data-testid={`source-${f.path}`}
                className={`field source${source === f.path ? ' selected' : ''}${mappedSources.has(f.path) ? ' mapped' : ''}`}
                draggable
                onDragStart={(e) => {
                  e.dataTransfer.setData(DRAG_TYPE, f.path);
                  e.dataTransfer.setData('text/plain', f.path);
                  e.dataTransfer.effectAllowed = 'link';
                }}>
                <button type="button" className="field-pick" aria-pressed={source === f.path}
                  onClick={() => setSource(source === f.path ? null : f.path)}>
                  <code>{f.path}</code>
                </button>
                <span className="muted field-sample" title={f.sample}>
                  {f.type}{f.sample !== undefined ? `: ${f.sample}` : ''}
                </span>
              </li>
            ))}
          </ul>
        </section>
        <svg className="mapping-lines" aria-hidden="true" width="100%" height={height}
          viewBox={`0 0 100 ${Math.max(height, 1)}`} preserveAspectRatio="none">
          {lines.map((l) => (
            <path key={`${l.source}->${l.target}`} data-line={`${l.source}->${l.target}`}
              d={`M 0 ${l.y1} C 50 ${l.y1}, 50 ${l.y2}, 100 ${l.y2}`} vectorEffect="non-scaling-stroke" />
          ))}
        </svg>
        <section aria-labelledby="targets-title" className="mapping-column">
          <h2 id="targets-title">Target fields ({targets.length})</h2>
          <ul className="field-list">
            {targets.map((f) => {
              const entry = byName.get(f.name);
              const unmappedRequired = f.required && !entry;
              return (
                <li key={f.name} ref={ref(`t:${f.name}`)} data-testid={`target-${f.name}`}
                  className={`field target${target === f.name ? ' selected' : ''}${over === f.name ? ' over' : ''}${unmappedRequired ? ' required-unmapped' : ''}`}
                  onDragOver={(e) => { e.preventDefault(); e.dataTransfer.dropEffect = 'link'; setOver(f.name); }}
                  onDragLeave={() => setOver(null)}
                  onDrop={(e) => drop(e, f.name)}>
                  <div className="field-head">
                    <button type="button" className="field-pick" aria-pressed={target === f.name}
                      onClick={() => setTarget(target === f.name ? null : f.name)}>
                      <code>{f.name}</code>
                    </button>
                    <span className="muted">
                      {f.label} · {f.type}{f.length ? `(${f.length})` : ''}
                      {f.picklistValues.length > 0 ? ` · ${f.picklistValues.length} values` : ''}
                    </span>
                    {f.required && (
                      <span className={`badge${unmappedRequired ? ' badge-warn' : ''}`}>
                        {unmappedRequired ? 'required · unmapped' : 'required'}
                      </span>
                    )}
                    <button type="button" className="link" onClick={() => setEditing(editing === f.name ? null : f.name)}
                      aria-expanded={editing === f.name} aria-label={`${entry ? 'Edit' : 'Write'} the expression for ${f.name}`}>
                      {entry ? 'Edit' : 'Write'}
                    </button>
                  </div>
                  {entry && editing !== f.name && <code className="field-expr" data-testid={`expr-${f.name}`}>{entry.expression}</code>}
                  {editing === f.name && (
                    <ExpressionEditor field={f.name} initial={entry?.expression ?? ''}
                      onApply={(x) => { onSetExpression(f.name, x); setEditing(null); }}
                      onCancel={() => setEditing(null)}
                      onRemove={entry ? () => { onRemove(f.name); setEditing(null); } : undefined} />
                  )}
                </li>
              );
            })}
          </ul>
        </section>
      </div>
    </div>
  );
}
