/** What one raw measurement reports, at one concurrency. */
import { summarize, type Summary } from '../stats.js';

export interface RateResult {
  concurrency: number;
  ops: number;
  seconds: number;
  perSecond: number;
  /** Latency of one operation (ms). */
  latency: Summary;
  /** CPU the whole machine spent per operation (ms), while the services idled. */
  machineCpuMsPerOp?: number;
}

export function rateResult(concurrency: number, samples: number[], startedMs: number): RateResult {
  const seconds = (performance.now() - startedMs) / 1000;
  return { concurrency, ops: samples.length, seconds, perSecond: samples.length / seconds, latency: summarize(samples) };
}

/** Runs `workers` loops of `op` until the time or the operation budget is spent. */
export async function closedLoop(workers: number, durationMs: number, maxOps: number, op: (worker: number) => Promise<void>): Promise<RateResult> {
  const samples: number[] = [];
  const started = performance.now();
  const deadline = started + durationMs;
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      while (performance.now() < deadline && samples.length < maxOps) {
        const t0 = performance.now();
        await op(w);
        samples.push(performance.now() - t0);
      }
    }),
  );
  return rateResult(workers, samples, started);
}
