/**
 * Submits through gRPC and waits for the final state: the context once, then builds
 * (a port, then the logical port that carries it). A resource's latency runs from just
 * before its CreateResource call to the aggregator's CREATE_COMPLETED (the
 * StateChanged event's timestamp, taken as /state is written).
 */
import { createResource, type ResourceClient } from '@esi/client';
import { contextRequests, logicalPortBody, portBody, type BuildContext } from './build-bodies.js';
import type { EventTap, Timeline } from './event-tap.js';

export interface Submitted {
  type: string;
  id: string;
  submittedAtMs: number;
}

export interface Settled extends Submitted {
  timeline: Timeline;
  latencyMs: number;
}

const SETTLE_TIMEOUT_MS = 60_000;

export async function submit(client: ResourceClient, type: string, body: Record<string, unknown>): Promise<Submitted> {
  const submittedAtMs = Date.now();
  const res = await createResource(client, type, body, { timeoutMs: 30_000 });
  return { type, id: res.resource!.id, submittedAtMs };
}

export async function settled(tap: EventTap, s: Submitted): Promise<Settled> {
  const timeline = await tap.completion(s.id, SETTLE_TIMEOUT_MS);
  if (timeline.workerState !== 'CREATE_COMPLETED') throw new Error(`${s.type} ${s.id} ended ${timeline.workerState}`);
  return { ...s, timeline, latencyMs: timeline.completedAtMs! - s.submittedAtMs };
}

export async function createContext(client: ResourceClient, tap: EventTap): Promise<BuildContext> {
  const ctx: Partial<BuildContext> = {};
  for (const r of contextRequests()) {
    const s = await submit(client, r.type, r.body(ctx));
    ctx[r.ref] = s.id;
    await settled(tap, s);
  }
  return ctx as BuildContext;
}

/** One build: the port, then its logical port; resolves when both are CREATE_COMPLETED. */
export async function runBuild(client: ResourceClient, tap: EventTap, ctx: BuildContext, n: number): Promise<Settled[]> {
  const port = await submit(client, 'port', portBody(ctx, n));
  const portDone = settled(tap, port);
  portDone.catch(() => undefined);
  const lp = await submit(client, 'ese_logical_port', logicalPortBody(ctx, port.id));
  return Promise.all([portDone, settled(tap, lp)]);
}
