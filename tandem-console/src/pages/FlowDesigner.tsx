// The visual flow designer (/flows/:id/design), loaded lazily: @xyflow/react draws the flow, @rjsf/core builds each
// step's form from the flow file's JSON Schema, and Save writes the file back through the admin API — a dry run
// first (the server's flow loader), its problems put on the node that has them, then the save itself.
import '@xyflow/react/dist/style.css';
import Form from '@rjsf/core';
import type { RJSFSchema } from '@rjsf/utils';
import { Background, Controls, Handle, Position, ReactFlow, type Edge, type Node, type NodeProps } from '@xyflow/react';
import { useEffect, useMemo, useState } from 'react';
import { allows, api, ApiError, message, type Role } from '../api';
import { ErrorBox, time } from '../components/common';
import { Link } from '../router';
import { toGraph, type GraphNode } from './designer/graph';
import { addStep, fromFlow, headValue, moveStep, removeStep, toFlow, updateStep, withHead, type FlowModel, type Json,
  type JsonObject } from './designer/model';
import { eipIcon, eipName, memberSchema, newStepConfig, stepSchema, stepTypes, type StepType } from './designer/schema';
import { structuralValidator } from './designer/validator';

interface Definition {
  id: string;
  version: string;
  file: string;
  shipped: boolean;
  editable: boolean;
  definition: JsonObject;
  mappings: Record<string, string>;
}

interface Problem {
  path: string | null;
  step: string | null;
  message: string;
  line?: number;
}

interface VersionItem {
  version: string;
  file: string;
  loadedAt: string;
  running: boolean;
}

type Schema = { [key: string]: unknown };

/** The node a problem belongs on: its step (top-level index of steps/N), the trigger, the error path, or none. */
function nodeOfProblem(p: Problem, model: FlowModel): string | null {
  const path = p.step ?? p.path ?? '';
  const m = /^steps\/(\d+)/.exec(path);
  if (m) {
    return model.steps[Number(m[1])]?.uid ?? null;
  }
  if (path.startsWith('errorHandler')) {
    return 'retry';
  }
  if (path.startsWith('from')) {
    return 'trigger';
  }
  return null;
}

type DesignerNodeData = GraphNode['data'] & { selected: boolean; problems: number };

function DesignerNode({ data }: NodeProps<Node<DesignerNodeData>>) {
  return (
    <div className={`dz-node dz-${data.role}${data.selected ? ' dz-selected' : ''}${data.problems ? ' dz-problem' : ''}`}>
      <Handle type="target" position={Position.Top} />
      <span className="dz-icon" aria-hidden="true">{data.icon}</span>
      <span className="dz-title">{data.title}</span>
      {data.detail && <span className="dz-detail">{data.detail}</span>}
      {data.problems > 0 && <span className="dz-badge">{data.problems} problem(s)</span>}
      <Handle type="source" position={Position.Bottom} />
    </div>
  );
}

const nodeTypes = { designer: DesignerNode };
const hiddenSubmit = { 'ui:submitButtonOptions': { norender: true } };

export default function FlowDesigner({ id, role }: { id: string; role: Role }) {
  const [def, setDef] = useState<Definition | null>(null);
  const [schema, setSchema] = useState<Schema | null>(null);
  const [model, setModel] = useState<FlowModel | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [selected, setSelected] = useState<string>('trigger');
  const [problems, setProblems] = useState<Problem[]>([]);
  const [status, setStatus] = useState<string | null>(null);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [dirty, setDirty] = useState(false);
  const [versions, setVersions] = useState<VersionItem[]>([]);
  const [diffFrom, setDiffFrom] = useState('');
  const [diffTo, setDiffTo] = useState('');
  const [diff, setDiff] = useState<string[] | null>(null);
  const [diffError, setDiffError] = useState<string | null>(null);
  const canSave = allows(role, 'admin');
  const enc = encodeURIComponent(id);

  const loadVersions = () => api<{ items: VersionItem[] }>('GET', `/flows/${enc}/versions`).then((v) => {
    setVersions(v.items);
    if (v.items.length > 1) {
      setDiffFrom(v.items[1].version);
      setDiffTo(v.items[0].version);
    }
  }, (e) => setDiffError(`The versions could not be read: ${message(e)}`));

  useEffect(() => {
    Promise.all([
      api<Definition>('GET', `/flows/${enc}/definition`),
      api<Schema>('GET', '/flows/schema'),
    ]).then(([d, s]) => {
      setDef(d);
      setSchema(s);
      setModel(fromFlow(d.definition));
    }, setLoadError);
    void loadVersions();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [enc]);

  const types = useMemo(() => (schema ? stepTypes(schema) : []), [schema]);
  const problemsByNode = useMemo(() => {
    const out: Record<string, Problem[]> = {};
    if (model) {
      problems.forEach((p) => {
        const n = nodeOfProblem(p, model) ?? 'flow';
        (out[n] ??= []).push(p);
      });
    }
    return out;
  }, [problems, model]);

  const graph = useMemo(() => {
    if (!model) {
      return { nodes: [] as Node<DesignerNodeData>[], edges: [] as Edge[] };
    }
    const g = toGraph(model);
    const nodes: Node<DesignerNodeData>[] = g.nodes.map((n) => ({
      id: n.id,
      type: 'designer',
      position: n.position,
      ariaLabel: `${n.data.title}${n.data.detail ? `: ${n.data.detail}` : ''}`,
      data: { ...n.data, selected: n.id === selected || n.parentStep === selected
          || (selected === 'error' && n.data.role === 'error'),
        problems: problemsByNode[n.id]?.length ?? 0 },
    }));
    const edges: Edge[] = g.edges.map((e) => ({ id: e.id, source: e.source, target: e.target, label: e.label,
      animated: false, style: e.dashed ? { strokeDasharray: '5 4', stroke: '#a33' } : undefined }));
    return { nodes, edges };
  }, [model, selected, problemsByNode]);

  if (loadError) {
    return <ErrorBox error={loadError} />;
  }
  if (!def || !schema || !model) {
    return <p role="status">Loading the flow designer…</p>;
  }

  const change = (next: FlowModel) => {
    setModel(next);
    setDirty(true);
    setStatus(null);
  };
  const selectedStep = model.steps.find((s) => s.uid === selected);
  const selectedIndex = selectedStep ? model.steps.indexOf(selectedStep) : -1;

  const add = (type: StepType) => {
    const at = selectedIndex >= 0 ? selectedIndex + 1 : model.steps.length;
    const next = addStep(model, at, type.kind, newStepConfig(schema, type));
    change(next);
    setSelected(next.steps[at].uid);
  };

  const save = async () => {
    setBusy(true);
    setSaveError(null);
    setStatus('Checking the flow…');
    const flow = toFlow(model);
    try {
      await api('PUT', `/flows/${enc}/definition?dryRun=true`, flow);
    } catch (e) {
      setBusy(false);
      setStatus(null);
      if (e instanceof ApiError && e.status === 422 && Array.isArray(e.problem?.problems)) {
        const found = e.problem.problems as Problem[];
        setProblems(found);
        setSaveError(`Not saved: the flow has ${found.length} problem(s), shown on the nodes that have them.`);
        const first = nodeOfProblem(found[0], model);
        if (first) {
          setSelected(first);
        }
      } else {
        setSaveError(`Not saved: ${message(e)}`);
      }
      return;
    }
    setProblems([]);
    try {
      const saved = await api<{ version: string; previousVersion: string; running: boolean }>('PUT',
        `/flows/${enc}/definition?baseVersion=${encodeURIComponent(def.version)}`, flow);
      setDirty(false);
      setDef({ ...def, version: saved.version });
      setStatus(saved.version === saved.previousVersion
        ? `Saved; nothing changed (version ${saved.version}).`
        : `Saved as version ${saved.version}${saved.running ? ', now running' : ''} (was ${saved.previousVersion}).`);
      await loadVersions();
    } catch (e) {
      setStatus(null);
      setSaveError(`Not saved: ${message(e)}`);
    } finally {
      setBusy(false);
    }
  };

  const showDiff = async () => {
    setDiffError(null);
    setDiff(null);
    try {
      const d = await api<{ changes: string[] }>('GET', `/flows/${enc}/versions/${encodeURIComponent(diffFrom)}/diff/${encodeURIComponent(diffTo)}`);
      setDiff(d.changes);
    } catch (e) {
      setDiffError(`The diff could not be made: ${message(e)}`);
    }
  };

  const handler = headValue(model, 'errorHandler');
  let form: { title: string; schema: RJSFSchema; data: Json | undefined; onChange: (v: Json) => void } | null = null;
  if (selectedStep) {
    const type = types.find((t) => t.kind === selectedStep.kind);
    form = selectedStep.raw !== undefined || !type ? null : {
      title: `${eipName(selectedStep.kind)} (${selectedStep.kind}), step ${selectedIndex + 1}`,
      schema: stepSchema(schema, type),
      data: selectedStep.config,
      onChange: (v) => change(updateStep(model, selectedStep.uid, v)),
    };
  } else if (selected === 'trigger') {
    form = { title: 'Trigger (from)', schema: memberSchema(schema, 'from'), data: headValue(model, 'from'),
      onChange: (v) => change(withHead(model, 'from', v)) };
  } else if (selected === 'retry' || selected === 'dead-letter') {
    form = { title: 'Error handler: retry policy and dead-letter channel', schema: memberSchema(schema, 'errorHandler'),
      data: handler ?? {}, onChange: (v) => change(withHead(model, 'errorHandler', v)) };
  }
  const nodeProblems = problemsByNode[selected] ?? [];

  return (
    <section aria-labelledby="designer-title" className="designer">
      <h1 id="designer-title">Flow designer: {id}</h1>
      <p className="muted">
        File <code>{def.file}</code>{def.shipped ? ' (shipped; a save writes a copy into flows.dir)' : ''}, version{' '}
        <code data-testid="flow-version">{def.version}</code>. <Link to="/flows">Back to the flows</Link>
      </p>
      {!def.editable && <p className="error">This Tandem has no flows.dir, so the designer cannot save here.</p>}
      <div className="dz-toolbar">
        <button type="button" onClick={save} disabled={!canSave || busy || !def.editable}>Save flow</button>
        {!canSave && <span className="muted">Saving needs the admin role.</span>}
        {dirty && <span className="muted">Unsaved changes.</span>}
        {status && <span role="status">{status}</span>}
      </div>
      {saveError && <p className="error" role="alert">{saveError}</p>}
      {problemsByNode.flow && (
        <ul className="error" aria-label="Problems of the flow">
          {problemsByNode.flow.map((p, i) => <li key={i}>{p.path ? `${p.path}: ` : ''}{p.message}</li>)}
        </ul>
      )}
      <div className="dz-layout">
        <div className="dz-side">
          <h2>Steps</h2>
          <ol className="dz-steps" aria-label="Steps">
            <li>
              <button type="button" className={`link${selected === 'trigger' ? ' dz-current' : ''}`}
                aria-pressed={selected === 'trigger'} onClick={() => setSelected('trigger')}>⚡ Trigger</button>
            </li>
            {model.steps.map((s, i) => (
              <li key={s.uid} data-testid={`step-${i}`}>
                <button type="button" className={`link${selected === s.uid ? ' dz-current' : ''}`}
                  aria-pressed={selected === s.uid} onClick={() => setSelected(s.uid)}>
                  <span aria-hidden="true">{eipIcon(s.kind)}</span> {i + 1}. {eipName(s.kind)}
                  {problemsByNode[s.uid] ? ` — ${problemsByNode[s.uid].length} problem(s)` : ''}
                </button>
                <span className="dz-step-actions">
                  <button type="button" className="small" aria-label={`Move step ${i + 1} up`} disabled={i === 0}
                    onClick={() => change(moveStep(model, s.uid, -1))}>↑</button>
                  <button type="button" className="small" aria-label={`Move step ${i + 1} down`}
                    disabled={i === model.steps.length - 1} onClick={() => change(moveStep(model, s.uid, 1))}>↓</button>
                  <button type="button" className="small" aria-label={`Remove step ${i + 1} (${s.kind})`}
                    onClick={() => { change(removeStep(model, s.uid)); setSelected('trigger'); }}>✕</button>
                </span>
              </li>
            ))}
            <li>
              <button type="button" className={`link${selected === 'retry' ? ' dz-current' : ''}`}
                aria-pressed={selected === 'retry'} onClick={() => setSelected('retry')}>↻ Error handler</button>
            </li>
          </ol>
          <h2>Palette</h2>
          <p className="muted">Adds {selectedIndex >= 0 ? `after step ${selectedIndex + 1}` : 'at the end'}.</p>
          <ul className="dz-palette" aria-label="Step types">
            {types.map((t) => (
              <li key={t.kind}>
                <button type="button" className="small" title={t.description} onClick={() => add(t)}>
                  <span aria-hidden="true">{eipIcon(t.kind)}</span> Add {eipName(t.kind)} ({t.kind})
                </button>
              </li>
            ))}
          </ul>
        </div>
        <div className="dz-canvas" role="region" aria-label="Flow graph">
          <ReactFlow nodes={graph.nodes} edges={graph.edges} nodeTypes={nodeTypes} fitView fitViewOptions={{ padding: 0.05, maxZoom: 1 }} minZoom={0.2}
            nodesDraggable={false} nodesConnectable={false} onNodeClick={(_, n) => {
              const g = graph.nodes.find((x) => x.id === n.id);
              const parent = toGraph(model).nodes.find((x) => x.id === n.id)?.parentStep;
              setSelected(parent ?? (g?.data.role === 'error' ? 'retry' : n.id));
            }} proOptions={{ hideAttribution: true }}>
            <Background />
            <Controls showInteractive={false} />
          </ReactFlow>
        </div>
        <div className="dz-form" aria-label="Properties" role="region">
          <h2>Properties</h2>
          {nodeProblems.length > 0 && (
            <ul className="error" aria-label="Problems of this node">
              {nodeProblems.map((p, i) => <li key={i}>{p.path ? <code>{p.path}</code> : null} {p.message}</li>)}
            </ul>
          )}
          {selectedStep?.raw !== undefined && (
            <p className="error">This step is not a map with one key (its kind); it is kept as written. Fix it in the file.</p>
          )}
          {form && (
            <Form key={selected} schema={form.schema} formData={form.data ?? undefined} validator={structuralValidator}
              uiSchema={hiddenSubmit} liveValidate={false} noHtml5Validate
              onChange={(e) => form.onChange(e.formData as Json)}>
              <></>
            </Form>
          )}
        </div>
      </div>
      <h2>Versions</h2>
      {diffError && <p className="error" role="alert">{diffError}</p>}
      <table aria-label="Versions">
        <thead>
          <tr><th scope="col">Version</th><th scope="col">Loaded</th><th scope="col">File</th><th scope="col">Running</th></tr>
        </thead>
        <tbody>
          {versions.map((v) => (
            <tr key={v.version}>
              <td><code>{v.version}</code></td>
              <td>{time(v.loadedAt)}</td>
              <td>{v.file}</td>
              <td>{v.running ? 'yes' : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {versions.length > 1 && (
        <div className="dz-diff">
          <label htmlFor="diff-from">Diff from version</label>{' '}
          <select id="diff-from" value={diffFrom} onChange={(e) => setDiffFrom(e.target.value)}>
            {versions.map((v) => <option key={v.version} value={v.version}>{v.version}</option>)}
          </select>{' '}
          <label htmlFor="diff-to">to version</label>{' '}
          <select id="diff-to" value={diffTo} onChange={(e) => setDiffTo(e.target.value)}>
            {versions.map((v) => <option key={v.version} value={v.version}>{v.version}</option>)}
          </select>{' '}
          <button type="button" onClick={showDiff}>Show diff</button>
        </div>
      )}
      {diff && (diff.length === 0 ? <p>No differences.</p>
        : <pre className="json" aria-label="Diff" tabIndex={0} data-testid="diff">{diff.join('\n')}</pre>)}
    </section>
  );
}
