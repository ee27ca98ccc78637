/**
 * ESI_HEAT_SIMULATED_RELEASE_PREFIX (embedded driver only): each simulated stack
 * operation answers only once the key `<prefix><its esi_job_… tag>` exists in etcd. A
 * replay writes that key when the recording says the job finished, so our jobs end in
 * the recorded order however fast this machine is. Unset, nothing waits.
 */
import type { ProviderContext } from '@esi/stack-engine';
import type { OwnedStore } from '@esi/store';
import { JOB_TAG_PREFIX } from './job-tags.js';

const POLL_MS = 50;

export function releaseGate(store: OwnedStore, prefix: string): (ctx: ProviderContext) => Promise<void> {
  return async (ctx) => {
    const tag = ctx.tags?.find((t) => t.startsWith(JOB_TAG_PREFIX));
    if (tag === undefined) return;
    while ((await store.getString(`${prefix}${tag}`)) === undefined) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  };
}
