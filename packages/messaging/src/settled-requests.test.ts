/**
 * A request answered is not also cancelled (patches/@nats-io__nats-core@3.4.0.patch):
 * nats.js built a RequestError, stack capture and all, for every answered request (each
 * JetStream publish is one) only to reject a promise already resolved. Counted at the
 * class nats.js constructs, against a real nats-server with noAsyncTraces as the
 * services connect (connection.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startNats, type RunningServer } from '@esi/test-servers';

const dir = mkdtempSync(join(tmpdir(), 'esi-settled-'));
let nats: RunningServer;
let nc: NatsConnection;

/** nats-core's errors module, the one instance its request code reads RequestError from. */
function natsCoreErrors(): { RequestError: new (message?: string, options?: ErrorOptions) => Error } {
  const transport = createRequire(import.meta.url).resolve('@nats-io/transport-node');
  const core = createRequire(transport).resolve('@nats-io/nats-core');
  return createRequire(core)(join(dirname(core), 'errors.js')) as never;
}

beforeAll(async () => {
  nats = await startNats(dir);
  nc = await connect({ servers: nats.url, noAsyncTraces: true });
  nc.subscribe('echo', {
    callback: (_err, msg) => {
      msg.respond(msg.data);
    },
  });
  await nc.flush();
});

afterAll(async () => {
  await nc?.close();
  await nats?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('makes no RequestError for requests that were answered', async () => {
  const errors = natsCoreErrors();
  const Original = errors.RequestError;
  let made = 0;
  errors.RequestError = class Counted extends Original {
    constructor(message?: string, options?: ErrorOptions) {
      super(message, options);
      made++;
    }
  };
  try {
    for (let i = 0; i < 20; i++) {
      const reply = await nc.request('echo', new TextEncoder().encode(`m${i}`), { timeout: 2_000 });
      expect(new TextDecoder().decode(reply.data)).toBe(`m${i}`);
    }
  } finally {
    errors.RequestError = Original;
  }
  expect(made).toBe(0);
});

it('still fails a request nobody answers', async () => {
  await expect(nc.request('nobody.listens', new Uint8Array(), { timeout: 500 })).rejects.toThrow(/no responders/i);
});
