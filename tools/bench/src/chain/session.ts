/**
 * What a phase needs to submit builds to a stack: the event tap, a gRPC client, the
 * context resources (created and settled here) and the process ids to sample.
 */
import { resourceClient } from '@esi/client';
import type { BenchStack } from '../bench-stack.js';
import { EventTap } from './event-tap.js';
import type { ChainDeps } from './levels.js';
import { createContext } from './submit.js';

export interface ChainSession {
  chain: ChainDeps;
  close(): Promise<void>;
}

export async function openChainSession(b: BenchStack): Promise<ChainSession> {
  const tap = new EventTap();
  await tap.start(b.nats.url);
  const client = resourceClient(b.stack.apiAddr);
  try {
    const ctx = await createContext(client, tap);
    let n = 0;
    const chain: ChainDeps = {
      client,
      tap,
      ctx,
      etcdUrl: b.etcd.url,
      metricsUrls: () => new Map([...b.services()].flatMap(([name, svc]) => (svc.metricsUrl ? [[name, svc.metricsUrl] as [string, string]] : []))),
      pids: () => new Map([...b.pids(), ['bench driver', process.pid]]),
      nextBuild: () => n++,
    };
    return {
      chain,
      async close() {
        client.close();
        await tap.stop();
      },
    };
  } catch (err) {
    client.close();
    await tap.stop();
    throw err;
  }
}
