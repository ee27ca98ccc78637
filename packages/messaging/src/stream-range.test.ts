/**
 * readStreamRange against a real nats-server: one subject's messages in order, from a
 * sequence, only the last ones when asked, and no consumer left behind.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STREAMS, configSubject } from '@esi/contracts';
import { startNats, type RunningServer } from '@esi/test-servers';
import { connectMessaging, ensureStreams, readStreamRange, streamName, type Messaging } from './index.js';

let nats: RunningServer;
let m: Messaging;
const stream = streamName(STREAMS.config, '');

beforeAll(async () => {
  nats = await startNats(mkdtempSync(join(tmpdir(), 'esi-range-')));
  m = await connectMessaging([nats.url], 'test');
  await ensureStreams(m.jsm, '');
});

afterAll(async () => {
  await m?.nc.close();
  await nats?.stop();
});

const publish = async (subject: string, text: string): Promise<number> => (await m.js.publish(subject, new TextEncoder().encode(text))).seq;
const read = async (filter: string, opts: Parameters<typeof readStreamRange>[4] = {}): Promise<{ texts: string[]; next: number }> => {
  const texts: string[] = [];
  const next = await readStreamRange(m, stream, filter, (msg) => texts.push(new TextDecoder().decode(msg.data)), opts);
  return { texts, next };
};

describe('readStreamRange', () => {
  it("reads one subject's messages oldest first, from a sequence, or only the last ones", async () => {
    const a = configSubject('port', 'a');
    const b = configSubject('port', 'b');
    for (let i = 1; i <= 5; i++) {
      await publish(a, `a${i}`);
      await publish(b, `b${i}`);
    }
    const all = await read(a, { batch: 2 });
    expect(all.texts).toEqual(['a1', 'a2', 'a3', 'a4', 'a5']);
    expect(await read(a, { keepLast: 2 })).toMatchObject({ texts: ['a4', 'a5'], next: all.next });

    const later = await publish(a, 'a6');
    await publish(b, 'b6');
    expect(all.next).toBeLessThanOrEqual(later);
    expect(await read(a, { fromSequence: all.next })).toEqual({ texts: ['a6'], next: later + 1 });
    // Nothing new: the sequence asked for comes back.
    expect(await read(a, { fromSequence: later + 1 })).toEqual({ texts: [], next: later + 1 });

    const aborted = new AbortController();
    aborted.abort();
    expect((await read(a, { signal: aborted.signal })).texts).toEqual([]);
    // Every read deleted its consumer.
    expect((await m.jsm.streams.info(stream)).state.consumer_count).toBe(0);
  });
});
