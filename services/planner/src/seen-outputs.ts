/**
 * The stack outputs of each resource as its latest heat job reported them (a heat
 * result carries them: heat_outputs), with the body that job was planned from. A job's
 * output_key params are resolved from here (resolve-outputs.ts) instead of reading the
 * referenced resource's config and stack record back from etcd. It equals what etcd
 * holds whenever a job is dispatched: the heat-worker writes the stack record before it
 * publishes the result, and a job referencing a resource waits for that resource's
 * pending jobs, whose results this planner folds in here before it dispatches.
 * What it does not hold (a planner that started after the result, a delete, a failure)
 * is read from etcd as before. Bounded: the least recently noted go first.
 */
import { events, type HeatOutput } from '@esi/contracts';
import { RecentMap } from '@esi/recent-map';

export interface SeenOutput {
  outputs: HeatOutput[];
  /** The body the reporting job was planned from (judged by the tenant rule, tenant-view.ts). */
  body: Record<string, unknown>;
}

const KEPT = 20_000;

export class SeenOutputs {
  private readonly byResource = new RecentMap<string, SeenOutput>(KEPT);

  get(type: string, id: string): SeenOutput | undefined {
    return this.byResource.get(`${type}:${id}`);
  }

  /** A heat job's result: its outputs are the resource's; anything else leaves etcd to answer. */
  noteResult(r: events.JobResult): void {
    const job = r.job;
    if (!job || job.handler !== 'heat_worker') return;
    const key = `${job.resourceType}:${job.resourceId}`;
    this.byResource.delete(key);
    const outputs = r.result?.heat_outputs as unknown;
    const creates = job.action === 'create' || job.action === 'modify';
    if (!creates || r.outcome !== events.JobOutcome.JOB_OUTCOME_SUCCEEDED || !Array.isArray(outputs)) return;
    this.byResource.set(key, { outputs: outputs as SeenOutput['outputs'], body: job.resourceInput ?? {} });
  }

  forget(type: string, id: string): void {
    this.byResource.delete(`${type}:${id}`);
  }

  /** After a failed handler, nothing here is trusted: etcd answers until results come again. */
  clear(): void {
    this.byResource.clear();
  }
}
