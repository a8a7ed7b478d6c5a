import { useState, type FormEvent } from 'react';
import { navigate } from '../../router';

/** The header's record search: a Clarity key, a Salesforce id or an e-mail opens that record's timeline. */
export function RecordSearch() {
  const [text, setText] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (text.trim()) {
      navigate(`/timeline?key=${encodeURIComponent(text.trim())}`);
      setText('');
    }
  };
  return (
    <form role="search" className="record-search" onSubmit={submit} aria-label="Find a record">
      <label htmlFor="record-search" className="sr-only">Find a record</label>
      <input id="record-search" type="search" value={text} onChange={(e) => setText(e.target.value)}
        placeholder="SO-5001, 003…, e-mail" />
      <button type="submit">Find</button>
    </form>
  );
}
