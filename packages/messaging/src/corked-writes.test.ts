/**
 * The NATS client's writes leave once per event-loop turn, not once per microtask turn
 * (patches/@nats-io__transport-node@3.4.0.patch): messages published and acknowledged
 * one after another while a turn's I/O is handled share a socket write. Counted at the
 * socket, against a real nats-server; every message still arrives, in order.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startNats, type RunningServer } from '@esi/test-servers';

const dir = mkdtempSync(join(tmpdir(), 'esi-corked-'));
let nats: RunningServer;
let nc: NatsConnection;

beforeAll(async () => {
  nats = await startNats(dir);
  nc = await connect({ servers: nats.url });
});

afterAll(async () => {
  await nc?.close();
  await nats?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Socket writes that reach the kernel (one per _write or _writev call) while `fn` and its turn run. */
async function socketWritesDuring(fn: () => Promise<void>): Promise<number> {
  const proto = Socket.prototype as unknown as Record<'_write' | '_writev', (...a: unknown[]) => unknown>;
  const original = { _write: proto._write, _writev: proto._writev };
  let writes = 0;
  for (const name of ['_write', '_writev'] as const) {
    proto[name] = function (this: Socket, ...a: unknown[]) {
      writes++;
      return original[name].apply(this, a);
    };
  }
  try {
    await fn();
    await new Promise((r) => setImmediate(r));
  } finally {
    Object.assign(proto, original);
  }
  return writes;
}

it('sends what one turn published across many microtask turns in one socket write', async () => {
  const received: number[] = [];
  const sub = nc.subscribe('corked.test', {
    callback: (_err, m) => {
      received.push(Number(new TextDecoder().decode(m.data)));
    },
  });
  await nc.flush();
  const writes = await socketWritesDuring(async () => {
    // Each publish in a microtask turn of its own, as handlers finishing one after another do.
    for (let i = 0; i < 20; i++) {
      await Promise.resolve();
      nc.publish('corked.test', String(i));
    }
  });
  await nc.flush();
  sub.unsubscribe();
  expect(received).toEqual(Array.from({ length: 20 }, (_, i) => i));
  expect(writes).toBe(1);
});
