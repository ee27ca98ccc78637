/**
 * The change's jobs laid out left to right by dagre: a job stands right of the jobs it
 * waits for. Another resource's job links to that resource's page; failed jobs are red
 * and their errors are listed under the graph in full.
 */
import dagre from '@dagrejs/dagre';
import { formatDuration, type GraphNode, type JobGraph } from './graph-model';
import { resourceHref } from './router';
import { stateClass } from './StateBadge';

const W = 230;
const H = 74;

export function JobGraphView({ graph }: { graph: JobGraph }) {
  if (graph.nodes.length === 0) return <p class="note">No jobs recorded for this resource yet (it may not be planned yet, or its type runs no job).</p>;
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 24, ranksep: 70, marginx: 12, marginy: 12 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of graph.nodes) g.setNode(n.id, { width: W, height: H });
  for (const e of graph.edges) g.setEdge(e.from, e.to);
  dagre.layout(g);
  const size = g.graph();
  const failed = graph.nodes.filter((n) => n.status === 'failed');
  return (
    <div class="graph">
      <p class="note">
        Version {graph.version}: {graph.nodes.filter((n) => n.kind === 'own').length} jobs of this resource
        {graph.nodes.some((n) => n.kind !== 'own') ? ', and the jobs of other resources they wait for (dashed; click to open)' : ''}.
      </p>
      <svg width={size.width ?? 0} height={size.height ?? 0} role="img" aria-label="job graph">
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" class="arrowhead" />
          </marker>
        </defs>
        {g.edges().map((e) => {
          const pts: { x: number; y: number }[] = g.edge(e).points ?? [];
          const d = pts.map((p, i) => `${i === 0 ? 'M' : 'L'} ${p.x} ${p.y}`).join(' ');
          return <path class="edge" d={d} marker-end="url(#arrow)" data-from={e.v} data-to={e.w} />;
        })}
        {graph.nodes.map((n) => {
          const { x, y } = g.node(n.id);
          return <Node node={n} x={x - W / 2} y={y - H / 2} />;
        })}
      </svg>
      {failed.length > 0 && (
        <ul class="failures">
          {failed.map((n) => (
            <li data-job={n.id}>
              <strong>{n.action}:{n.handler} failed</strong> <span class="error-text">{n.error}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function Node({ node, x, y }: { node: GraphNode; x: number; y: number }) {
  const cls = `node ${node.kind} ${node.status === 'hidden' || node.status === 'dropped' ? 'none' : stateClass(node.status)} status-${node.status}`;
  const body = (
    <g transform={`translate(${x},${y})`} class={cls} data-job={node.id} data-status={node.status} data-kind={node.kind}>
      <title>{node.id}</title>
      <rect width={W} height={H} rx="6" />
      {node.kind === 'hidden' ? (
        <text x="10" y="40">
          a job of another tenant
        </text>
      ) : (
        <>
          <text x="10" y="18" class="strong">
            {node.action}:{node.handler}
          </text>
          <text x="10" y="36">
            {node.kind === 'other' ? `${node.resourceType} ${node.resourceId.slice(0, 8)}` : node.status === 'dropped' ? 'not run: its workflow failed' : node.status}
          </text>
          <text x="10" y="54">
            {node.kind === 'other' ? `${node.status}${node.workerState ? ` · ${node.workerState}` : ''}` : formatDuration(node.durationMs) && `${node.status === 'succeeded' || node.status === 'failed' ? 'took' : 'for'} ${formatDuration(node.durationMs)}`}
          </text>
          {node.error && (
            <text x="10" y="68" class="error-text small">
              {node.error.length > 38 ? `${node.error.slice(0, 37)}…` : node.error}
            </text>
          )}
        </>
      )}
    </g>
  );
  return node.kind === 'other' ? <a href={resourceHref(node.resourceType, node.resourceId)}>{body}</a> : body;
}
