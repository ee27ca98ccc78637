/**
 * The bench's event tap on a real nats-server with the pipeline's streams: it resolves a
 * build on its state event, takes the work message's time as it passes, and reads the
 * change and result events from their streams after the level, only those published
 * since the level began.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSubject, events, resultSubject, stateSubject, workSubject } from '@esi/contracts';
import { connectMessaging, ensureStreams, type Messaging } from '@esi/messaging';
import { startNats, type RunningServer } from '@esi/test-servers';
import { EventTap } from './event-tap.js';

let nats: RunningServer;
let m: Messaging;
let tap: EventTap;

beforeAll(async () => {
  nats = await startNats(mkdtempSync(join(tmpdir(), 'esi-tap-')));
  m = await connectMessaging([nats.url], 'bench-test');
  await ensureStreams(m.jsm, '');
  tap = new EventTap();
  await tap.start(nats.url);
}, 60_000);

afterAll(async () => {
  await tap?.stop();
  await m?.nc.close();
  await nats?.stop();
});

const job = (id: string) => events.Job.fromPartial({ id: `job-${id}`, handler: 'heat_worker', resourceType: 'port', resourceId: id, version: 1 });

/** What the pipeline publishes for one resource, each event stamped `at` + its step. */
async function pipeline(id: string, at: number): Promise<void> {
  const js = jetstream(m.nc);
  await js.publish(configSubject('port', id), events.ResourceChanged.encode(events.ResourceChanged.fromPartial({ resourceType: 'port', resourceId: id, version: 1, acceptedAtMs: at + 1 })).finish());
  await js.publish(workSubject('heat_worker'), events.JobDispatched.encode(events.JobDispatched.fromPartial({ job: job(id), attempt: 1, dispatchedAtMs: at + 2 })).finish());
  await js.publish(resultSubject('heat_worker', 'port', id), events.JobResult.encode(events.JobResult.fromPartial({ job: job(id), finishedAtMs: at + 3 })).finish());
  await js.publish(stateSubject('port', id), events.StateChanged.encode({ resourceType: 'port', resourceId: id, version: 1, workerState: 'CREATE_COMPLETED', error: '', changedAtMs: at + 4 }).finish());
}

describe('EventTap', () => {
  it('puts together a timeline from what it heard and what it reads from the streams after the level', async () => {
    const before = tap.completion('before', 5_000);
    await pipeline('before', 1_000);
    // Its state event comes after its work message (one publisher, in order).
    await before;
    await tap.clear();
    const done = tap.completion('p1', 5_000);
    await pipeline('p1', 2_000);
    expect(await done).toMatchObject({ completedAtMs: 2_004, workerState: 'CREATE_COMPLETED' });
    await tap.collect();
    expect(tap.timeline('p1')).toMatchObject({ acceptedAtMs: 2_001, dispatchedAtMs: { heat_worker: 2_002 }, finishedAtMs: { heat_worker: 2_003 } });
    // Published before the level began: not read.
    expect(tap.timeline('before')).toBeUndefined();
    // A second collect reads only what came since the first.
    await pipeline('p2', 3_000);
    await tap.collect();
    expect(tap.timeline('p2')).toMatchObject({ acceptedAtMs: 3_001, finishedAtMs: { heat_worker: 3_003 } });
  });
});
