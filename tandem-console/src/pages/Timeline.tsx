import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../api';
import { ErrorBox, num, time, useLoad } from '../components/common';
import { Link, navigate } from '../router';
import { direction, type Timeline, type TimelineEvent, type TimelineStep } from './timeline/types';

function value(v: unknown): string {
  if (v === null || v === undefined) {
    return '–';
  }
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function Diff({ step }: { step: TimelineStep }) {
  const records = Object.entries(step.written ?? {});
  if (records.length === 0) {
    return null;
  }
  return (
    <div className="diff">
      {records.map(([ref, r]) => {
        const fields = Object.entries(r.changed);
        return (
          <table key={ref} className="diff-table">
            <caption>
              {r.entity} {r.key || r.id} {r.id && r.key ? `(${r.id})` : ''} — {r.firstWrite ? 'first write' : 'fields changed'}
            </caption>
            <thead>
              <tr>
                <th scope="col">Field</th>
                <th scope="col">Before</th>
                <th scope="col">After</th>
              </tr>
            </thead>
            <tbody>
              {fields.length === 0 ? (
                <tr><td colSpan={3} className="muted">No field changed.</td></tr>
              ) : fields.map(([name, c]) => (
                <tr key={name}>
                  <th scope="row"><code>{name}</code></th>
                  <td className="before">{value(c.from)}</td>
                  <td className="after">{value(c.to)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        );
      })}
    </div>
  );
}

function Entry({ e }: { e: TimelineEvent }) {
  const [open, setOpen] = useState(false);
  const decisions = [...new Set(e.steps.map((s) => s.decision))];
  const id = `event-${e.offset}`;
  return (
    <li className="timeline-entry" data-testid={`timeline-${e.offset}`} data-direction={direction(e.source)}>
      <div className="timeline-head">
        <button type="button" aria-expanded={open} aria-controls={id} onClick={() => setOpen(!open)}>
          {open ? 'Hide' : 'Show'} details
        </button>
        <span className="direction">{direction(e.source)}</span>
        <span>{e.type}</span>
        <span>{e.entity} {e.entityKey || e.entityId}</span>
        <span className="muted">{time(e.occurredAt)}</span>
        <span>{decisions.length ? decisions.join(', ') : 'not processed yet'}</span>
      </div>
      {open && (
        <div id={id} className="timeline-detail">
          <p className="muted">
            Event {e.offset} from {e.source}, received {time(e.receivedAt)}.
          </p>
          {e.steps.length === 0 ? <p>No flow has processed this event yet.</p> : e.steps.map((s, i) => (
            <section key={`${s.flow}-${s.step}-${i}`} className="timeline-step" aria-label={`${s.flow} step ${s.step}`}>
              <h3>{s.flow} · {s.step}: {s.decision}</h3>
              <dl>
                <dt>Request</dt>
                <dd>{s.request ?? '–'}</dd>
                <dt>Response</dt>
                <dd>{s.status ? `HTTP ${s.status}` : 'no call'}{s.durationMs ? ` in ${num(s.durationMs)} ms` : ''}</dd>
                {s.detail && (<><dt>Detail</dt><dd>{s.detail}</dd></>)}
                <dt>Flow version</dt>
                <dd>{s.flowVersion}</dd>
              </dl>
              <Diff step={s} />
            </section>
          ))}
        </div>
      )}
    </li>
  );
}

/**
 * A record's history in both directions (GET /timeline?key=): each event newest first, Clarity → Salesforce and
 * Salesforce → Clarity, expandable to what each flow step decided, sent and got back, and which fields it changed.
 */
export function TimelinePage({ query }: { query: URLSearchParams }) {
  const key = (query.get('key') ?? '').trim();
  const [text, setText] = useState(key);
  useEffect(() => setText(key), [key]);
  const result = useLoad(() => (key ? api<Timeline>('GET', `/timeline?key=${encodeURIComponent(key)}`)
    : Promise.resolve(undefined)), [key]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (text.trim()) {
      navigate(`/timeline?key=${encodeURIComponent(text.trim())}`);
    }
  };
  const t = result.data;
  const nothing = t && t.events.length === 0 && t.links.length === 0 && t.deadLetters.length === 0;
  return (
    <section aria-labelledby="timeline-title">
      <h1 id="timeline-title">Record timeline</h1>
      <form role="search" className="filters" onSubmit={submit} aria-label="Find a record's timeline">
        <label>
          Clarity key or id, Salesforce id, or e-mail
          <input type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="SO-5001" />
        </label>
        <button type="submit">Show timeline</button>
      </form>
      {!key && <p>Give a record: a Clarity key (SO-5001) or id, a Salesforce id (003…), or a customer’s e-mail.</p>}
      {result.error ? <ErrorBox error={result.error} onRetry={result.reload} /> : null}
      {key && !t && !result.error && <p role="status">Loading the timeline of {key}…</p>}
      {nothing && (
        <p role="status" data-testid="timeline-empty">
          Nothing is known about <strong>{key}</strong>: no event, link or dead letter mentions it. Check the key (a
          Clarity key such as SO-5001, a Salesforce id of 15 or 18 characters, or a full e-mail address).
        </p>
      )}
      {t && !nothing && (
        <>
          <p role="status">
            {num(t.events.length)} event{t.events.length === 1 ? '' : 's'} for <strong>{t.query}</strong>, newest first.
          </p>
          {t.links.length > 0 && (
            <section aria-labelledby="links-title">
              <h2 id="links-title">Linked records</h2>
              <ul>
                {t.links.map((l) => (
                  <li key={`${l.objectType}/${l.sourceKey}`}>
                    Clarity <code>{l.sourceKey}</code> ⇄ {l.objectType.startsWith('clarity:')
                      ? `Clarity ${l.objectType.slice('clarity:'.length)} id` : `Salesforce ${l.objectType}`}{' '}
                    <code>{l.targetId}</code>
                  </li>
                ))}
              </ul>
            </section>
          )}
          {t.deadLetters.length > 0 && (
            <section aria-labelledby="tl-dl-title">
              <h2 id="tl-dl-title">Dead letters</h2>
              <ul>
                {t.deadLetters.map((d) => (
                  <li key={d.id}>
                    <Link to={`/errors/${d.id}`}>Dead letter {d.id}</Link> ({d.state}, {d.flow}): <code>{d.errorCode}</code>{' '}
                    {d.errorMessage}
                  </li>
                ))}
              </ul>
            </section>
          )}
          <h2>History</h2>
          <ol className="timeline" aria-label={`History of ${t.query}`}>
            {t.events.map((e) => <Entry key={e.offset} e={e} />)}
          </ol>
        </>
      )}
    </section>
  );
}

export default TimelinePage;
