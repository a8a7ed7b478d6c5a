import { useRef, useState } from 'react';
import { matchingFunctions, wordAt } from './functions';

/**
 * One target field's JSONata expression in a textarea, with the function library offered for the $word being typed
 * (each with its one-line doc); choosing one inserts it at the caret. Apply writes it into the mapping text.
 */
export function ExpressionEditor({ field, initial, onApply, onCancel, onRemove }: {
  field: string;
  initial: string;
  onApply: (expression: string) => void;
  onCancel: () => void;
  onRemove?: () => void;
}) {
  const [value, setValue] = useState(initial);
  const [caret, setCaret] = useState(initial.length);
  const area = useRef<HTMLTextAreaElement>(null);
  const word = wordAt(value, caret);
  const offered = matchingFunctions(word ?? '', word ? 8 : 6);
  const id = `expr-${field}`;

  const insert = (signature: string) => {
    const name = signature.slice(0, signature.indexOf('('));
    const start = word ? caret - word.length : caret;
    const next = `${value.slice(0, start)}${name}()${value.slice(caret)}`;
    const at = start + name.length + 1;
    setValue(next);
    setCaret(at);
    requestAnimationFrame(() => {
      area.current?.focus();
      area.current?.setSelectionRange(at, at);
    });
  };

  return (
    <div className="expr-editor">
      <label htmlFor={id}>JSONata expression for {field}</label>
      <textarea
        id={id}
        ref={area}
        rows={3}
        spellCheck={false}
        value={value}
        onChange={(e) => { setValue(e.target.value); setCaret(e.target.selectionStart); }}
        onSelect={(e) => setCaret(e.currentTarget.selectionStart)}
        aria-describedby={`${id}-functions`}
      />
      <div id={`${id}-functions`} className="functions">
        <span className="muted">{word ? `Functions matching ${word}:` : 'Functions (type $ to narrow):'}</span>
        <ul aria-label={`Functions for ${field}`}>
          {offered.map((f) => (
            <li key={`${f.source}-${f.signature}`}>
              <button type="button" className="link" onClick={() => insert(f.signature)}
                aria-label={`Insert ${f.signature}: ${f.doc}`}>
                <code>{f.signature}</code>
              </button>{' '}
              <span className="muted">{f.doc}{f.source === 'Tandem' ? ' (Tandem)' : ''}</span>
            </li>
          ))}
        </ul>
      </div>
      <div className="row">
        <button type="button" onClick={() => onApply(value)} disabled={!value.trim()}>Apply to {field}</button>
        <button type="button" onClick={onCancel}>Cancel</button>
        {onRemove && <button type="button" onClick={onRemove}>Remove {field}</button>}
      </div>
    </div>
  );
}
