/** Explain's chains inline (its one-line answer is in the page's header): for each open job, the jobs it waits for with those resources' states. */
import { JOB_STATUS, type Explain } from './api-types';
import { HIDDEN_JOB } from './graph-model';
import { resourceHref } from './router';
import { StateBadge } from './StateBadge';

export function WaitChain({ explain }: { explain: Explain }) {
  const open = explain.jobs.filter((j) => JOB_STATUS[j.status] !== 'finished');
  return (
    <div class="why">
      {explain.planningError && <p class="error-text">planning error: {explain.planningError}</p>}
      {open.length === 0 && <p class="note">Nothing of its latest change is open: no job waits.</p>}
      <ul class="chain">
        {open.map((j) => (
          <li data-job={j.id}>
            <span class={`status ${JOB_STATUS[j.status]}`}>{JOB_STATUS[j.status]}</span> <span class="mono">{j.id}</span>
            {j.waitsFor.length > 0 && (
              <ul>
                {j.waitsFor.map((w) => (
                  <li style={{ marginLeft: `${(w.depth - 1) * 1.5}em` }} data-waits-for={w.jobId}>
                    └ waits for{' '}
                    {w.jobId === HIDDEN_JOB ? (
                      <em>a job of another tenant</em>
                    ) : (
                      <>
                        <span class="mono">{w.jobId}</span> [{JOB_STATUS[w.status]}] —{' '}
                        <a href={resourceHref(w.resourceType, w.resourceId)}>
                          {w.resourceType} {w.resourceId}
                        </a>{' '}
                        config v{w.resourceConfigVersion}, <StateBadge state={w.resourceWorkerState} />
                        {w.resourceStateVersion ? ` at v${w.resourceStateVersion}` : ''}
                        {w.resourceStateError && <span class="error-text"> {w.resourceStateError}</span>}
                      </>
                    )}
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
