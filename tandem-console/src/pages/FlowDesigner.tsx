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
import { addBranch, addBranchStep, addStep, branchesOf, branchNodeId, branchRefOf, branchStep, fromFlow, headValue, moveBranchStep,
  moveStep, removeBranch, removeBranchStep, removeStep, setBranchCondition, toFlow, updateBranchStep, updateStep, withHead, type BranchRef, type FlowModel,
  type Json, type JsonObject } from './designer/model';
import { branchConditionSchema, eipIcon, eipName, memberSchema, newStepConfig, stepSchema, stepTypes, type StepType } from './designer/schema';
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

/**
 * The node a problem belongs on: a branch's step (steps/N/choice/when/B/steps/I or steps/N/choice/otherwise/I), its
 * step (top-level index of steps/N), the trigger, the error path, or none.
 */
function nodeOfProblem(p: Problem, model: FlowModel): string | null {
  const full = p.path ?? p.step ?? '';
  const inBranch = /^steps\/(\d+)\/choice\/(?:when\/(\d+)\/steps|(otherwise))\/(\d+)/.exec(full);
  const router = inBranch ? model.steps[Number(inBranch[1])] : undefined;
  if (inBranch && router?.kind === 'choice') {
    const branches = branchesOf(router.config);
    const branch = inBranch[3] ? branches.findIndex((b) => b.otherwise) : Number(inBranch[2]);
    const id = branchNodeId({ router: router.uid, branch, index: Number(inBranch[4]) });
    if (branch >= 0 && branchRefOf(model, id)) {
      return id;
    }
  }
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
  // A router's branch (index −1) or a step in one: edited like a top-level step, written into the router's value.
  const selectedBranch = branchRefOf(model, selected);
  const selectedBranchStep = selectedBranch && selectedBranch.index >= 0 ? branchStep(model, selectedBranch) : null;
  const describeBranch = (ref: BranchRef) => {
    const router = model.steps.find((s) => s.uid === ref.router);
    const b = router ? branchesOf(router.config)[ref.branch] : undefined;
    const n = router ? model.steps.indexOf(router) + 1 : 0;
    return b?.otherwise ? `the otherwise branch of step ${n}`
      : `branch ${ref.branch + 1} (${b?.condition || 'no condition yet'}) of step ${n}`;
  };

  const add = (type: StepType) => {
    const config = newStepConfig(schema, type);
    if (selectedBranch) {
      const at = { ...selectedBranch, index: selectedBranch.index + 1 };
      change(addBranchStep(model, at, type.kind, config));
      setSelected(branchNodeId(at));
      return;
    }
    const at = selectedIndex >= 0 ? selectedIndex + 1 : model.steps.length;
    const next = addStep(model, at, type.kind, config);
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
  const selectedBranchValue = selectedBranch && selectedBranch.index < 0
    ? branchesOf(model.steps.find((x) => x.uid === selectedBranch.router)?.config ?? null)[selectedBranch.branch] : undefined;
  if (selectedBranch && selectedBranchValue && !selectedBranchValue.otherwise) {
    form = {
      title: `Condition of ${describeBranch(selectedBranch)}`,
      schema: branchConditionSchema(schema),
      data: { condition: selectedBranchValue.condition },
      onChange: (v) => {
        const c = (v as JsonObject | null)?.condition;
        change(setBranchCondition(model, selectedBranch.router, selectedBranch.branch, typeof c === 'string' ? c : ''));
      },
    };
  } else if (selectedBranch && selectedBranchStep) {
    const type = types.find((t) => t.kind === selectedBranchStep.kind);
    form = selectedBranchStep.raw !== undefined || !type ? null : {
      title: `${eipName(selectedBranchStep.kind)} (${selectedBranchStep.kind}), step ${selectedBranch.index + 1} of ${describeBranch(selectedBranch)}`,
      schema: stepSchema(schema, type),
      data: selectedBranchStep.config,
      onChange: (v) => change(updateBranchStep(model, selectedBranch, v)),
    };
  } else if (selectedStep) {
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
  // A node of the graph: a step (top-level or in a branch) is selected itself, the error path's nodes open its form.
  function selectNode(nodeId: string) {
    const g = graph.nodes.find((x) => x.id === nodeId);
    if (g) {
      setSelected(g.data.role === 'error' ? 'retry' : nodeId);
    }
  }

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
                {s.kind === 'choice' && (
                  <ol className="dz-branches" aria-label={`Branches of step ${i + 1}`}>
                    {branchesOf(s.config).map((b, bi) => {
                      const head: BranchRef = { router: s.uid, branch: bi, index: -1 };
                      const headId = branchNodeId(head);
                      return (
                        <li key={bi}>
                          <button type="button" className={`link${selected === headId ? ' dz-current' : ''}`}
                            aria-pressed={selected === headId} onClick={() => setSelected(headId)}>
                            ◇ {b.otherwise ? 'otherwise' : `when ${b.condition || '(no condition yet)'}`}
                          </button>
                          <span className="dz-step-actions">
                            <button type="button" className="small" aria-label={`Remove ${describeBranch(head)} and its steps`}
                              onClick={() => { change(removeBranch(model, s.uid, bi)); setSelected(s.uid); }}>✕</button>
                          </span>
                          <ol aria-label={`Steps of ${describeBranch(head)}`}>
                            {b.steps.map((_raw, si) => {
                              const ref: BranchRef = { ...head, index: si };
                              const id = branchNodeId(ref);
                              const inner = branchStep(model, ref);
                              const kind = inner?.kind ?? '?';
                              return (
                                <li key={si} data-testid={`branch-${i}-${bi}-${si}`}>
                                  <button type="button" className={`link${selected === id ? ' dz-current' : ''}`}
                                    aria-pressed={selected === id} onClick={() => setSelected(id)}>
                                    <span aria-hidden="true">{eipIcon(kind)}</span> {i + 1}.{bi + 1}.{si + 1} {eipName(kind)}
                                    {problemsByNode[id] ? ` — ${problemsByNode[id].length} problem(s)` : ''}
                                  </button>
                                  <span className="dz-step-actions">
                                    <button type="button" className="small" aria-label={`Move step ${i + 1}.${bi + 1}.${si + 1} up`}
                                      disabled={si === 0} onClick={() => { change(moveBranchStep(model, ref, -1));
                                        setSelected(branchNodeId({ ...ref, index: si - 1 })); }}>↑</button>
                                    <button type="button" className="small" aria-label={`Move step ${i + 1}.${bi + 1}.${si + 1} down`}
                                      disabled={si === b.steps.length - 1} onClick={() => { change(moveBranchStep(model, ref, 1));
                                        setSelected(branchNodeId({ ...ref, index: si + 1 })); }}>↓</button>
                                    <button type="button" className="small" aria-label={`Remove step ${i + 1}.${bi + 1}.${si + 1} (${kind})`}
                                      onClick={() => { change(removeBranchStep(model, ref)); setSelected(headId); }}>✕</button>
                                  </span>
                                </li>
                              );
                            })}
                          </ol>
                        </li>
                      );
                    })}
                    <li>
                      <button type="button" className="small" onClick={() => {
                        // The new branch goes after the when branches (before otherwise); its condition form opens.
                        const at = branchesOf(s.config).filter((b) => !b.otherwise).length;
                        change(addBranch(model, s.uid));
                        setSelected(branchNodeId({ router: s.uid, branch: at, index: -1 }));
                        setStatus(`Added branch ${at + 1} to step ${i + 1}: give it a condition.`);
                      }}>＋ Add a branch to step {i + 1}</button>
                    </li>
                  </ol>
                )}
              </li>
            ))}
            <li>
              <button type="button" className={`link${selected === 'retry' ? ' dz-current' : ''}`}
                aria-pressed={selected === 'retry'} onClick={() => setSelected('retry')}>↻ Error handler</button>
            </li>
          </ol>
          <h2>Palette</h2>
          <p className="muted" data-testid="palette-place">Adds {selectedBranch
            ? (selectedBranch.index < 0 ? `at the start of ${describeBranch(selectedBranch)}`
              : `after step ${selectedBranch.index + 1} of ${describeBranch(selectedBranch)}`)
            : selectedIndex >= 0 ? `after step ${selectedIndex + 1}` : 'at the end'}.</p>
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
        {/* Keyboard: Tab reaches each node (React Flow makes them focusable), Enter or Space selects it as a click does. */}
        <div className="dz-canvas" role="region" aria-label="Flow graph" onKeyDown={(e) => {
          const node = (e.target as HTMLElement).closest?.('.react-flow__node');
          const nodeId = node?.getAttribute('data-id');
          if ((e.key === 'Enter' || e.key === ' ') && nodeId) {
            e.preventDefault();
            selectNode(nodeId);
          }
        }}>
          <ReactFlow nodes={graph.nodes} edges={graph.edges} nodeTypes={nodeTypes} fitView fitViewOptions={{ padding: 0.05, maxZoom: 1 }} minZoom={0.2}
            nodesDraggable={false} nodesConnectable={false} onNodeClick={(_, n) => selectNode(n.id)}
            proOptions={{ hideAttribution: true }}>
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
          {form && <p className="muted" data-testid="form-title">{form.title}</p>}
          {selectedBranch && selectedBranch.index < 0 && (
            <p className="muted">The palette adds a step at the start of {describeBranch(selectedBranch)}.
              {selectedBranchValue?.otherwise ? ' It runs for exchanges no branch took; it has no condition.' : ''}</p>
          )}
          {(selectedStep ?? selectedBranchStep)?.raw !== undefined && (
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
