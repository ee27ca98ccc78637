/** The resource's versions (its config events) and every event of the streams, newest first. */
import type { HistoryEvent } from './api-types';
import { parseJson, time } from './format';

function summary(e: HistoryEvent): string {
  const v = parseJson<Record<string, unknown>>(e.eventJson) ?? {};
  switch (e.kind) {
    case 'config':
      return `version ${String(v.version)}${v.markedForDeletion ? ', marked for deletion' : ''}${v.removed ? ', removed' : ''}${v.retry ? ', retry requested' : ''}`;
    case 'job_result': {
      const job = (v.job ?? {}) as { id?: string };
      const failed = v.outcome === 'JOB_OUTCOME_FAILED';
      return `${job.id ?? ''} ${failed ? 'FAILED' : 'succeeded'}${failed && v.error ? `: ${String(v.error)}` : ''}`;
    }
    case 'state':
      return `${String(v.workerState)} at version ${String(v.version)}${v.error ? `: ${String(v.error)}` : ''}`;
    case 'monitoring':
      return `${JSON.stringify(v.status ?? {})} (version ${String(v.version)})`;
    case 'skipped':
      return `version ${String(v.version)} skipped: ${String(v.reason ?? '')} ${String(v.error ?? '')}`;
    default:
      return e.eventJson;
  }
}

export function HistoryView({ events }: { events: HistoryEvent[] }) {
  const newest = [...events].sort((a, b) => b.timeMs - a.timeMs || b.sequence - a.sequence);
  const versions = newest.filter((e) => e.kind === 'config');
  return (
    <div class="history">
      <h3>Versions</h3>
      <ul class="versions">
        {versions.map((e) => (
          <li>
            {time(e.timeMs)} — {summary(e)}
          </li>
        ))}
      </ul>
      <h3>Events ({events.length})</h3>
      <table>
        <thead>
          <tr>
            <th>time (UTC)</th>
            <th>kind</th>
            <th>what</th>
          </tr>
        </thead>
        <tbody>
          {newest.map((e) => (
            <tr class={`event ${e.kind}`} title={e.subject}>
              <td class="mono">{time(e.timeMs)}</td>
              <td>{e.kind}</td>
              <td class="mono wrap">{summary(e)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
