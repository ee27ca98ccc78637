/** Human-readable output; `--json` bypasses all of this. */
import { api } from '@esi/contracts';

const STATUS_NAMES: Record<number, string> = {
  [api.JobStatus.JOB_STATUS_WAITING]: 'waiting',
  [api.JobStatus.JOB_STATUS_READY]: 'ready',
  [api.JobStatus.JOB_STATUS_DISPATCHED]: 'dispatched',
  [api.JobStatus.JOB_STATUS_FINISHED]: 'finished',
};

export const statusName = (s: api.JobStatus): string => STATUS_NAMES[s] ?? 'unknown';

const KIND_NAMES: Record<number, string> = {
  [api.WatchEventKind.WATCH_EVENT_KIND_CONFIG]: 'config',
  [api.WatchEventKind.WATCH_EVENT_KIND_STATE]: 'state',
  [api.WatchEventKind.WATCH_EVENT_KIND_MONITORING]: 'monitoring',
};

export const kindName = (k: api.WatchEventKind): string => KIND_NAMES[k] ?? 'unknown';

export function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The API's Resource with its JSON strings decoded, for --json output. */
export function resourceJson(r: api.Resource): Record<string, unknown> {
  return {
    resource_type: r.resourceType,
    id: r.id,
    version: r.version,
    marked_for_deletion: r.markedForDeletion,
    body: parseJson(r.bodyJson),
    state: parseJson(r.stateJson) ?? null,
    monitoring: parseJson(r.monitoringJson) ?? null,
  };
}

export function workerState(r: api.Resource): string {
  const s = parseJson(r.stateJson) as { state?: { worker_state?: string }; version?: number; error?: string } | undefined;
  if (!s?.state?.worker_state) return '-';
  const stale = s.version !== undefined && s.version < r.version ? ` (v${s.version})` : '';
  return `${s.state.worker_state}${stale}${s.error ? ` error: ${s.error}` : ''}`;
}

export function monitoringText(json: string): string {
  const m = parseJson(json) as Record<string, unknown> | undefined;
  if (!m || typeof m !== 'object') return '-';
  const items = Object.entries(m).filter(([k]) => k !== 'version');
  return items.length > 0 ? items.map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ') : '-';
}

export function resourceLine(r: api.Resource): string {
  return [r.resourceType, r.id, `v${r.version}`, workerState(r), monitoringText(r.monitoringJson), r.markedForDeletion ? '(deleting)' : '']
    .filter(Boolean)
    .join('  ');
}

export function resourceText(r: api.Resource): string {
  const lines = [
    `${r.resourceType} ${r.id}`,
    `  version:     ${r.version}${r.markedForDeletion ? ' (marked for deletion)' : ''}`,
    `  state:       ${workerState(r)}`,
    `  monitoring:  ${monitoringText(r.monitoringJson)}`,
    '  body:',
    ...JSON.stringify(parseJson(r.bodyJson), null, 2)
      .split('\n')
      .map((l) => `    ${l}`),
  ];
  return lines.join('\n');
}

export function planText(p: api.PlanResponse): string {
  if (p.outcome === 'template') {
    const lines = [`template ${p.id}: ${p.problems.length === 0 ? 'would be accepted' : 'would be refused'}`];
    for (const problem of p.problems) lines.push(`  problem: ${problem}`);
    lines.push(`  used by ${p.affected.length} resource(s)${p.affected.length ? ':' : ''}`);
    for (const a of p.affected) lines.push(`    ${a.resourceType} ${a.id} v${a.version} (${a.handler})`);
    return lines.join('\n');
  }
  const head = `plan for ${p.id} version ${p.version}: ${p.outcome}${p.action ? ` (${p.action})` : ''}`;
  const lines = [head];
  if (p.error) lines.push(`  error: ${p.error}`);
  if (p.outcome === 'skipped') lines.push('  no template applies: the resource would get READ_COMPLETE at once');
  if (p.missingTemplates.length) lines.push(`  templates missing from the catalog: ${p.missingTemplates.join(', ')}`);
  for (const j of p.jobs) {
    lines.push(`  job ${j.id}`);
    lines.push(`    handler ${j.handler}, template ${j.templateId}, on_failure ${j.onFailure}${j.isFirst ? ', first' : ''}${j.isLast ? ', last' : ''}`);
    lines.push(`    depends on: ${j.dependency.length ? j.dependency.join(', ') : '(nothing)'}`);
    for (const prm of j.params) {
      const value = prm.resolutionError ? `${prm.valueJson}  (resolved at dispatch; now: ${prm.resolutionError})` : prm.resolvedJson;
      const refs = prm.resources.length ? `  [reads ${prm.resources.map((r) => `${r.resourceType} ${r.id}`).join(', ')}]` : '';
      lines.push(`    ${prm.param} = ${value}${refs}`);
    }
  }
  return lines.join('\n');
}

export function explainText(e: api.ExplainResponse): string {
  const lines = [e.summary];
  if (e.traceId) lines.push(`trace ${e.traceId}`);
  if (e.planningError) lines.push(`planning error: ${e.planningError}`);
  for (const j of e.jobs) {
    const since = j.plannedAtMs ? `, planned ${new Date(j.plannedAtMs).toISOString()}` : '';
    lines.push(`  ${statusName(j.status).padEnd(10)} ${j.id}${since}${j.traceId ? `, trace ${j.traceId}` : ''}`);
    for (const w of j.waitsFor) {
      const state = w.resourceWorkerState ? `${w.resourceWorkerState} at v${w.resourceStateVersion}` : 'no state yet';
      const err = w.resourceStateError ? `, error: ${w.resourceStateError}` : '';
      const trace = w.traceId ? `, trace ${w.traceId}` : '';
      lines.push(`  ${'  '.repeat(w.depth)}└ waits for ${w.jobId} [${statusName(w.status)}] — ${w.resourceType} ${w.resourceId}: config v${w.resourceConfigVersion}, ${state}${err}${trace}`);
    }
  }
  return lines.join('\n');
}

export function explainJson(e: api.ExplainResponse): unknown {
  return {
    ...api.ExplainResponse.toJSON(e) as Record<string, unknown>,
    resource: e.resource ? resourceJson(e.resource) : null,
  };
}
