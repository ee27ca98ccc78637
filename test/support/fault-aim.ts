/**
 * Helpers for the aimed fault tests: gRPC calls retried while the api is down (and
 * judged idempotently when the api died after storing the change), and the count of
 * stack operations at the backend: as the embedded engine itself recorded them in its
 * etcd records, or as the fake Heat received them.
 */
import { status, type ServiceError } from '@grpc/grpc-js';
import type { RecordedRequest } from '@esi/heat-client';
import { createResource, deleteResource, resourceClient, updateResource } from '@esi/client';
import type { RecordedEvent } from './etcd-recorder.js';

const RETRYABLE = new Set([status.UNAVAILABLE, status.DEADLINE_EXCEEDED, status.INTERNAL, status.CANCELLED, status.UNKNOWN]);

export type Change =
  | { kind: 'create'; type: string; body: Record<string, unknown> }
  | { kind: 'update'; type: string; id: string; body: Record<string, unknown>; expectedVersion: number }
  | { kind: 'delete'; type: string; id: string };

/**
 * Sends one change, again while the api is unreachable. A repeat after a lost answer
 * finds its own change stored: ALREADY_EXISTS for a create; for a delete the resource
 * already marked (FAILED_PRECONDITION) or gone (NOT_FOUND); for an update, sent with the
 * version it was meant for, the version already moved (FAILED_PRECONDITION). Without
 * that, a repeated update is a second update: the api stores every update as a version.
 */
export async function sendWithRetry(apiAddr: string, change: Change): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const client = resourceClient(apiAddr);
    try {
      if (change.kind === 'create') await createResource(client, change.type, change.body);
      else if (change.kind === 'update') await updateResource(client, change.type, change.id, change.body, change.expectedVersion);
      else await deleteResource(client, change.type, change.id);
      return;
    } catch (err) {
      const code = (err as ServiceError).code;
      if (attempt > 0 && change.kind === 'create' && code === status.ALREADY_EXISTS) return;
      if (attempt > 0 && change.kind === 'delete' && (code === status.NOT_FOUND || code === status.FAILED_PRECONDITION)) return;
      if (attempt > 0 && change.kind === 'update' && code === status.FAILED_PRECONDITION) return;
      if (attempt > 600 || !RETRYABLE.has(code)) throw err;
      await new Promise((res) => setTimeout(res, 100));
    } finally {
      client.close();
    }
  }
}

export type OperationCounts = Record<'CREATE' | 'UPDATE' | 'DELETE', number>;

/**
 * Stack operations per stack, from the engine's own records (`operations`, which the
 * engine bumps in the first write of each operation it starts, not for a resumption),
 * over every recorded write: a stack deleted and made again starts from zero, so each
 * increase seen is one more operation.
 */
export function engineOperations(events: readonly RecordedEvent[]): Map<string, OperationCounts> {
  const last = new Map<string, Partial<OperationCounts>>();
  const totals = new Map<string, OperationCounts>();
  for (const e of events) {
    if (e.type === 'delete') {
      last.delete(e.key);
      continue;
    }
    const seen = (JSON.parse(e.value) as { operations?: Partial<OperationCounts> }).operations ?? {};
    const before = last.get(e.key) ?? {};
    const total = totals.get(e.key) ?? { CREATE: 0, UPDATE: 0, DELETE: 0 };
    for (const action of ['CREATE', 'UPDATE', 'DELETE'] as const) total[action] += Math.max(0, (seen[action] ?? 0) - (before[action] ?? 0));
    totals.set(e.key, total);
    last.set(e.key, seen);
  }
  return totals;
}

/**
 * Stack operations per stack name, from the fake Heat's own request log (not the
 * heat-worker's): POST /stacks creates, PUT /stacks/<name>/<id> updates, DELETE deletes.
 * Every request is counted whatever its answer, so a repeat shows even when Heat
 * refused it (a second POST answered 409 is still a second create attempt).
 */
export function heatOperations(requests: readonly RecordedRequest[]): Map<string, OperationCounts> {
  const totals = new Map<string, OperationCounts>();
  for (const r of requests) {
    // /v1/<project>/stacks[/<name>/<id>]
    const segments = r.path.split('/').filter(Boolean).map(decodeURIComponent);
    if (segments[0] !== 'v1' || segments[2] !== 'stacks') continue;
    let name: string | undefined;
    let action: keyof OperationCounts | undefined;
    if (r.method === 'POST' && segments.length === 3) {
      name = String((r.body as { stack_name?: unknown } | undefined)?.stack_name);
      action = 'CREATE';
    } else if ((r.method === 'PUT' || r.method === 'DELETE') && segments.length === 5) {
      name = segments[3];
      action = r.method === 'PUT' ? 'UPDATE' : 'DELETE';
    }
    if (name === undefined || action === undefined) continue;
    const total = totals.get(name) ?? { CREATE: 0, UPDATE: 0, DELETE: 0 };
    total[action] += 1;
    totals.set(name, total);
  }
  return totals;
}
