/**
 * What the aggregator announces when it settles /state, on a real nats-server: the state
 * event always, and a finished delete once more on its deleted subject (what the api's
 * consumer reads), each once however often it is announced again.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DELETE_COMPLETED, STREAMS, deletedSubject, events, stateSubject } from '@esi/contracts';
import { connectMessaging, ensureStreams, Publisher, type Messaging } from '@esi/messaging';
import { startNats, type RunningServer } from '@esi/test-servers';
import { announceState } from './announce-state.js';

let nats: RunningServer;
let m: Messaging;
let publisher: Publisher;

beforeAll(async () => {
  nats = await startNats(mkdtempSync(join(tmpdir(), 'esi-announce-')));
  m = await connectMessaging([nats.url], 'state-aggregator');
  await ensureStreams(m.jsm, '');
  publisher = new Publisher(m.js, 'state-aggregator', trace.getTracer('test'), '');
}, 60_000);

afterAll(async () => {
  await m?.nc.close();
  await nats?.stop();
});

/** How many messages the state stream holds on a subject. */
async function count(subject: string): Promise<number> {
  const info = await m.jsm.streams.info(STREAMS.state.name, { subjects_filter: subject });
  return info.state.subjects?.[subject] ?? 0;
}

describe('announceState', () => {
  it('announces a finished delete on its deleted subject too, once however often it is announced', async () => {
    const settled = { resourceType: 'network', resourceId: 'gone', version: 2, workerState: DELETE_COMPLETED, error: '' };
    await announceState(publisher, settled);
    await announceState(publisher, settled);
    expect([await count(stateSubject('network', 'gone')), await count(deletedSubject('network', 'gone'))]).toEqual([1, 1]);
    const last = await m.jsm.streams.getMessage(STREAMS.state.name, { last_by_subj: deletedSubject('network', 'gone') });
    expect(events.StateChanged.decode(last!.data)).toMatchObject({ resourceId: 'gone', version: 2, workerState: DELETE_COMPLETED });
  });

  it('announces any other state on the state subject alone', async () => {
    await announceState(publisher, { resourceType: 'network', resourceId: 'made', version: 1, workerState: 'CREATE_COMPLETED', error: '' });
    expect([await count(stateSubject('network', 'made')), await count(deletedSubject('network', 'made'))]).toEqual([1, 0]);
  });
});
