/**
 * One resource: its state, and its latest change as a job graph, the wait chain, the
 * trace, its history and a plan preview. Live: a Watch of the resource reloads it on each
 * change, and while it has not settled Explain is asked again every second, since jobs
 * move through the planner's records, which a Watch does not cover.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, edge } from './api';
import type { Explain, HistoryEvent, Resource } from './api-types';
import { isFailed, isSettled, monitoringText, nameOf, stateOf, tenantOf, workerState } from './format';
import { buildJobGraph } from './graph-model';
import { HistoryView } from './HistoryView';
import { JobGraphView } from './JobGraphView';
import { liveWatch } from './live-watch';
import { PlanView } from './PlanView';
import { listHref, resourceHref } from './router';
import { StateBadge } from './StateBadge';
import { TraceWaterfall } from './TraceWaterfall';
import { WaitChain } from './WaitChain';

const TABS: [string, string][] = [
  ['graph', 'Job graph'],
  ['why', 'Why is it waiting'],
  ['trace', 'Trace'],
  ['history', 'History'],
  ['plan', 'Edit & plan'],
];

const POLL_MS = 1_000;

export function ResourcePage({ type, id, tab }: { type: string; id: string; tab: string }) {
  const [resource, setResource] = useState<Resource>();
  const [explain, setExplain] = useState<Explain>();
  const [history, setHistory] = useState<HistoryEvent[]>([]);
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  const [now, setNow] = useState(Date.now());
  const loading = useRef(false);

  const load = useCallback(async () => {
    if (loading.current) return;
    loading.current = true;
    try {
      const [ex, hi] = await Promise.all([edge.explain(type, id), edge.history(type, id)]);
      setExplain(ex);
      if (ex.resource) setResource(ex.resource);
      setHistory(hi.events);
      setNow(Date.now());
      setError('');
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      loading.current = false;
    }
  }, [type, id]);

  useEffect(() => {
    setResource(undefined);
    setExplain(undefined);
    setHistory([]);
    setNotice('');
    void load();
    return liveWatch(type, id, false, { onEvent: () => void load() });
  }, [type, id, load]);

  const settled = resource ? isSettled(resource) : false;
  useEffect(() => {
    // Nothing to follow until it loaded (a resource it may not see never does), or once it settled.
    if (!resource || settled) return;
    const t = setInterval(() => void load(), POLL_MS);
    return () => clearInterval(t);
  }, [Boolean(resource), settled, load]);

  const retry = async (): Promise<void> => {
    setNotice('');
    try {
      await edge.retry(type, id);
      setNotice('Retry requested: the failed workflow runs again.');
      await load();
    } catch (err) {
      setNotice(err instanceof ApiError ? err.message : String(err));
    }
  };

  const graph = explain ? buildJobGraph(explain, history, now) : undefined;
  const state = resource ? stateOf(resource) : undefined;
  return (
    <section class="resource">
      <p class="crumbs">
        <a href={listHref(type)}>{type}</a> / <span class="mono">{id}</span>
      </p>
      {error && <p class="error" role="alert">{error}</p>}
      {resource && (
        <header class="summary">
          <h2>
            {type} <span class="mono">{nameOf(resource) || id}</span>
          </h2>
          <dl>
            <dt>state</dt>
            <dd>
              <StateBadge state={workerState(resource)} pending={!settled} /> at version {state?.version ?? '–'} (config version {resource.version}
              {resource.markedForDeletion ? ', being deleted' : ''})
            </dd>
            {tenantOf(resource) && (
              <>
                <dt>tenant</dt>
                <dd>{tenantOf(resource)}</dd>
              </>
            )}
            {state?.error && (
              <>
                <dt>error</dt>
                <dd class="error-text" data-testid="state-error">
                  {state.error}
                </dd>
              </>
            )}
            {monitoringText(resource) && (
              <>
                <dt>monitoring</dt>
                <dd class="mono">{monitoringText(resource)}</dd>
              </>
            )}
          </dl>
          {isFailed(resource) && (
            <button class="retry" onClick={() => void retry()}>
              Retry the failed workflow
            </button>
          )}
          {notice && <p class="note" role="status">{notice}</p>}
          {explain && (
            <p class="explain-summary" data-testid="explain-summary">
              {explain.summary}
            </p>
          )}
        </header>
      )}
      <nav class="tabs">
        {TABS.map(([key, label]) => (
          <a href={resourceHref(type, id, key)} class={tab === key ? 'active' : ''}>
            {label}
          </a>
        ))}
      </nav>
      {tab === 'graph' && explain?.planningError && (
        <p class="error-text" data-testid="planning-error">
          Version {explain.plannedVersion} could not be planned, so no job ran: {explain.planningError}
        </p>
      )}
      {tab === 'graph' && graph && <JobGraphView graph={graph} />}
      {tab === 'why' && explain && <WaitChain explain={explain} />}
      {tab === 'trace' && <TraceWaterfall type={type} id={id} refreshKey={`${settled}:${explain?.traceId ?? ''}`} />}
      {tab === 'history' && <HistoryView events={history} />}
      {tab === 'plan' && resource && <PlanView resource={resource} onSubmitted={() => void load()} />}
    </section>
  );
}
