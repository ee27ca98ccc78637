/**
 * Splits each resource's submit → CREATE_COMPLETED into the stages of the pipeline,
 * from the timestamps in the events (each taken by the service that did the stage).
 * A logical port's planner stage includes waiting for its port's heat job.
 */
import { summarize, type Summary } from '../stats.js';
import type { EventTap } from './event-tap.js';
import type { Settled } from './submit.js';

export const STAGES = [
  'api: submit → /config written, event published',
  'planner: plan, dispatch heat job',
  'heat-worker: queue, stack, result',
  'planner: heat result → dispatch monitoring job',
  'monitoring-worker: queue, targets, result',
  'state-aggregator: result → /state CREATE_COMPLETED',
] as const;

export async function stageLatencies(tap: EventTap, resources: Settled[]): Promise<Record<string, Summary>> {
  await tap.collect();
  const samples: number[][] = STAGES.map(() => []);
  for (const r of resources) {
    const t = tap.timeline(r.id);
    if (!t?.acceptedAtMs || t.completedAtMs === undefined) continue;
    const marks = [
      r.submittedAtMs,
      t.acceptedAtMs,
      t.dispatchedAtMs.heat_worker,
      t.finishedAtMs.heat_worker,
      t.dispatchedAtMs.monitoring_worker,
      t.finishedAtMs.monitoring_worker,
      t.completedAtMs,
    ];
    if (marks.some((m) => m === undefined)) continue;
    for (let i = 0; i < STAGES.length; i++) samples[i]!.push(marks[i + 1]! - marks[i]!);
  }
  return Object.fromEntries(STAGES.map((s, i) => [s, summarize(samples[i]!)]));
}
