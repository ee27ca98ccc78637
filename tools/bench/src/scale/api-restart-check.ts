/**
 * Whether the api, restarted on the data present, serves: it is restarted and asked to
 * create a port every half second for 10 s. At start the api sweeps every /config in
 * one read (deletion-finisher.ts), which fails past the etcd client's 4 MiB response
 * limit (some 7,000 resources) and, retried every 2 s, can open the client's circuit
 * breaker, failing every call of the api while it is open.
 */
import type { BenchStack } from '../bench-stack.js';
import { portBody } from '../chain/build-bodies.js';
import type { ChainDeps } from '../chain/levels.js';
import { submit } from '../chain/submit.js';

export interface ApiRestartCheck {
  served: number;
  failed: number;
  lastError?: string;
  /** Warnings the api logged that its deletion sweep failed. */
  sweepFailures: number;
}

export async function restartApiAndCreate(b: BenchStack, chain: ChainDeps): Promise<ApiRestartCheck> {
  const out: ApiRestartCheck = { served: 0, failed: 0, sweepFailures: 0 };
  const counting = new AbortController();
  const countSweeps = (): void => {
    b.nextLine('api', (l) => l.includes('deletion sweep failed'), 60_000, counting.signal)
      .then(() => {
        out.sweepFailures++;
        countSweeps();
      })
      .catch(() => undefined);
  };
  countSweeps();
  await b.stack.restart('api', 'SIGTERM');
  for (let i = 0; i < 20; i++) {
    try {
      await submit(chain.client, 'port', portBody(chain.ctx, chain.nextBuild()));
      out.served++;
    } catch (err) {
      out.failed++;
      out.lastError = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  counting.abort();
  return out;
}
