/**
 * The machine is shared (other work may run on it), and a benchmark of a 2-core box is
 * only as good as the cores it gets. Before starting, wait (bounded) until the machine
 * is nearly idle; the report then states the CPU others used during each phase.
 */
import { readMachineBusySeconds } from './proc-stats.js';

/** Share of one core the machine spent busy over `ms`. */
async function busyPct(ms: number): Promise<number> {
  const a = readMachineBusySeconds();
  await new Promise((r) => setTimeout(r, ms));
  return (100 * (readMachineBusySeconds() - a)) / (ms / 1000);
}

/** Resolves once the machine is below `maxBusyPct` for 2 s, or after `maxWaitMs`; returns the last reading. */
export async function waitForQuietMachine(maxWaitMs: number, maxBusyPct: number, say: (s: string) => void): Promise<number> {
  const deadline = Date.now() + maxWaitMs;
  let busy = await busyPct(2_000);
  while (busy > maxBusyPct && Date.now() < deadline) {
    say(`machine busy with other work (${busy.toFixed(0)} % of one core); waiting`);
    await new Promise((r) => setTimeout(r, 5_000));
    busy = await busyPct(2_000);
  }
  return busy;
}
