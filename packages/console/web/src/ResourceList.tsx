/**
 * Resources of one type: a page from the api (server-side paging and search), kept live
 * by a Watch of the type: rows change as their config, state and monitoring change, and
 * a resource created after the page loaded appears at the top of the first page.
 */
import { useEffect, useState } from 'preact/hooks';
import { edge, ApiError } from './api';
import type { Resource } from './api-types';
import { isSettled, monitoringText, nameOf, parseJson, shortId, tenantOf, workerState } from './format';
import { liveWatch } from './live-watch';
import { listHref, resourceHref } from './router';
import { StateBadge } from './StateBadge';

const PAGE_SIZE = 50;

interface Row extends Resource {
  /** Created while the page was open. */
  fresh?: boolean;
  removed?: boolean;
}

export function ResourceList({ type, params }: { type: string; params: URLSearchParams }) {
  const tenant = params.get('tenant') ?? '';
  const query = params.get('q') ?? '';
  const [types, setTypes] = useState<string[]>([]);
  const [tokens, setTokens] = useState<string[]>(['']);
  const [rows, setRows] = useState<Row[]>([]);
  const [next, setNext] = useState('');
  const [scan, setScan] = useState<{ scanned: number; stopped: boolean }>({ scanned: 0, stopped: false });
  const [error, setError] = useState('');
  const [loading, setLoading] = useState(false);
  const [live, setLive] = useState(false);
  const [tenantInput, setTenantInput] = useState(tenant);
  const [queryInput, setQueryInput] = useState(query);
  const pageToken = tokens[tokens.length - 1] ?? '';

  useEffect(() => {
    edge.types().then((t) => setTypes(t.types), () => setTypes([]));
  }, []);
  useEffect(() => {
    setTokens(['']);
    setTenantInput(tenant);
    setQueryInput(query);
  }, [type, tenant, query]);

  useEffect(() => {
    let stale = false;
    setLoading(true);
    const started = performance.now();
    edge.list(type, { tenant, query, pageToken, pageSize: PAGE_SIZE }).then(
      (page) => {
        if (stale) return;
        setRows(page.resources);
        setNext(page.nextPageToken);
        setScan({ scanned: page.scanned, stopped: page.scanStopped });
        setError('');
        setLoading(false);
        document.body.dataset.listMs = String(Math.round(performance.now() - started));
      },
      (err: unknown) => {
        if (stale) return;
        setRows([]);
        setError(err instanceof ApiError ? err.message : String(err));
        setLoading(false);
      },
    );
    return () => {
      stale = true;
    };
  }, [type, tenant, query, pageToken]);

  const firstPage = tokens.length === 1;
  useEffect(() => {
    setLive(false);
    return liveWatch(type, undefined, false, {
      onLive: setLive,
      onError: (m) => setError(`live updates: ${m}`),
      onEvent: (e) => {
        setRows((current) => {
          const i = current.findIndex((r) => r.id === e.id);
          const row = i >= 0 ? { ...current[i]! } : undefined;
          if (e.kind === 1) {
            const cfg = parseJson<{ body: string; version: number; marked_for_deletion: boolean }>(e.valueJson);
            if (e.deleted || !cfg) {
              if (!row) return current;
              row.removed = true;
            } else if (row) {
              Object.assign(row, { bodyJson: cfg.body, version: cfg.version, markedForDeletion: cfg.marked_for_deletion });
            } else {
              const fresh: Row = { resourceType: type, id: e.id, version: cfg.version, markedForDeletion: cfg.marked_for_deletion, bodyJson: cfg.body, stateJson: '', monitoringJson: '', fresh: true };
              const q = query.toLowerCase();
              const wanted = firstPage && (!tenant || tenantOf(fresh) === tenant) && (!q || e.id.toLowerCase().includes(q) || nameOf(fresh).toLowerCase().includes(q));
              return wanted ? [fresh, ...current] : current;
            }
          } else if (row && e.kind === 2) row.stateJson = e.deleted ? '' : e.valueJson;
          else if (row && e.kind === 3) row.monitoringJson = e.deleted ? '' : e.valueJson;
          if (!row) return current;
          const out = current.slice();
          out[i] = row;
          return out;
        });
      },
    });
  }, [type, tenant, query, firstPage]);

  const go = (t: string, tn: string, q: string): void => {
    location.hash = listHref(t, { tenant: tn, q });
  };

  return (
    <section class="list">
      <form
        class="filters"
        onSubmit={(ev) => {
          ev.preventDefault();
          go(type, tenantInput.trim(), queryInput.trim());
        }}
      >
        <label>
          Type{' '}
          <select name="type" value={type} onChange={(ev) => go((ev.target as HTMLSelectElement).value, tenant, query)}>
            {(types.includes(type) ? types : [type, ...types]).map((t) => (
              <option value={t}>{t}</option>
            ))}
          </select>
        </label>
        <label>
          Tenant <input name="tenant" value={tenantInput} placeholder="any" onInput={(ev) => setTenantInput((ev.target as HTMLInputElement).value)} />
        </label>
        <label>
          Search <input name="q" value={queryInput} placeholder="id, name or state" onInput={(ev) => setQueryInput((ev.target as HTMLInputElement).value)} />
        </label>
        <button type="submit">Show</button>
        <span class={`live ${live ? 'on' : ''}`} data-live={String(live)}>
          {live ? '● live' : '○ connecting'}
        </span>
      </form>
      <p class="note">
        Rows change as the pipeline works and new resources appear at the top. Open an id to see its change as a job graph, why it waits, its trace and its history.
      </p>
      {error && <p class="error" role="alert">{error}</p>}
      {scan.stopped && (
        <p class="note">
          Searched {scan.scanned.toLocaleString()} resources from this point; the page is not full yet. Use “Next page” to search further.
        </p>
      )}
      <table class="resources" data-loading={String(loading)}>
        <thead>
          <tr>
            <th>id</th>
            <th>name</th>
            <th>tenant</th>
            <th>version</th>
            <th>state</th>
            <th>monitoring</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} data-id={r.id} class={`${r.fresh ? 'fresh' : ''} ${r.removed ? 'removed' : ''}`}>
              <td>
                <a href={resourceHref(type, r.id)} title={r.id}>
                  {shortId(r.id)}
                </a>
              </td>
              <td>{nameOf(r)}</td>
              <td>{tenantOf(r)}</td>
              <td>
                {r.version}
                {r.markedForDeletion ? ' (deleting)' : ''}
                {r.removed ? ' (removed)' : ''}
              </td>
              <td>
                <StateBadge state={workerState(r)} pending={!isSettled(r) && !r.removed} />
              </td>
              <td class="mono">{monitoringText(r)}</td>
            </tr>
          ))}
          {!loading && rows.length === 0 && (
            <tr>
              <td colSpan={6} class="note">
                No {type} resources{tenant ? ` of tenant ${tenant}` : ''}{query ? ` matching “${query}”` : ''} on this page.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <nav class="pager">
        <button disabled={firstPage} onClick={() => setTokens([''])}>
          First page
        </button>
        <button disabled={firstPage} onClick={() => setTokens(tokens.slice(0, -1))}>
          Previous
        </button>
        <span>page {tokens.length}</span>
        <button disabled={!next} onClick={() => setTokens([...tokens, next])}>
          Next page
        </button>
      </nav>
    </section>
  );
}
