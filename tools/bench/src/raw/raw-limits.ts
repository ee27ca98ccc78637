/**
 * Measures the three raw limits at each concurrency, one after another, on the same
 * servers the services use (while the services idle), from this Node process.
 */
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { connectMessaging } from '@esi/messaging';
import { Etcd3 } from 'etcd3';
import { measureEtcdTxn } from './etcd-txn.js';
import { measureJetStreamPublish } from './jetstream-publish.js';
import { measurePacedStep } from './paced-step.js';
import { measurePipelineStep } from './pipeline-step.js';
import { UNLOADED_PAUSE_MS } from '../modes.js';
import { readMachineBusySeconds } from '../proc-stats.js';
import type { RateResult } from './rate-result.js';

export interface RawLimits {
  etcdTxn: RateResult[];
  jetStreamPublish: RateResult[];
  pipelineStep: RateResult[];
  /** One step at a time, one input every `pauseMs` as the unloaded builds come (absent in older result files). */
  pacedStep?: RateResult & { pauseMs: number };
  /**
   * The pipeline step at its best concurrency measured right before and right after the
   * level that reached the peak (each closed level is followed by one: LevelResult.
   * rawStepAfter; before the first, the measurement above). The machine's speed drifts
   * within a run, by half in minutes (5,315 steps/s before the chain and 2,418 after it in
   * one run), so the limit is read beside the level it judges, and the faster of the two
   * counts: a slow moment does not flatter the chain's ratio. Absent in older result files.
   */
  besidePeak?: { level: string; before: RateResult; after: RateResult };
  /**
   * Older result files (session 17): the step measured once more after all of the chain's
   * levels, the faster of it and the one above counting.
   */
  pipelineStepAfter?: RateResult;
}

const PACED_STEPS = 30;

export async function measureRawLimits(natsUrl: string, etcdUrl: string, concurrencies: number[], durationMs: number, say: (s: string) => void): Promise<RawLimits> {
  // The services' own client settings (connectMessaging), so the raw step pays what
  // theirs do per publish and no more: the limits are what this client allows them.
  const { nc, js, jsm } = await connectMessaging([natsUrl], 'bench-raw');
  const etcd = new Etcd3({ hosts: etcdUrl });
  const out: RawLimits = { etcdTxn: [], jetStreamPublish: [], pipelineStep: [] };
  try {
    for (const c of concurrencies) {
      const r = await measureEtcdTxn(etcd, c, durationMs, `/bench/txn/${c}/`);
      say(`  etcd compare-and-put, ${c} at once: ${r.perSecond.toFixed(0)}/s, p50 ${r.latency.p50.toFixed(2)} ms`);
      out.etcdTxn.push(r);
    }
    for (const c of concurrencies) {
      const r = await measureJetStreamPublish(js, jsm, c, durationMs);
      say(`  JetStream publish+ack, ${c} at once: ${r.perSecond.toFixed(0)}/s, p50 ${r.latency.p50.toFixed(2)} ms`);
      out.jetStreamPublish.push(r);
    }
    for (const c of concurrencies) {
      const r = await measureStepWithCpu(js, jsm, etcd, c, durationMs);
      say(`  pipeline step, ${c} at once: ${r.perSecond.toFixed(0)}/s, p50 ${r.latency.p50.toFixed(2)} ms, ${r.machineCpuMsPerOp!.toFixed(2)} ms of CPU each`);
      out.pipelineStep.push(r);
    }
    out.pacedStep = { ...(await measurePacedStep(js, jsm, etcd, PACED_STEPS, UNLOADED_PAUSE_MS)), pauseMs: UNLOADED_PAUSE_MS };
    say(`  pipeline step, one every ${UNLOADED_PAUSE_MS} ms on the idle system: p50 ${out.pacedStep.latency.p50.toFixed(2)} ms`);
  } finally {
    etcd.close();
    await nc.drain();
  }
  return out;
}

/** The pipeline step at `concurrency` again, on the same servers (see LevelResult.rawStepAfter). */
export async function measurePipelineStepAgain(natsUrl: string, etcdUrl: string, concurrency: number, durationMs: number): Promise<RateResult> {
  const { nc, js, jsm } = await connectMessaging([natsUrl], 'bench-raw');
  const etcd = new Etcd3({ hosts: etcdUrl });
  try {
    return await measureStepWithCpu(js, jsm, etcd, concurrency, durationMs);
  } finally {
    etcd.close();
    await nc.drain();
  }
}

/** The pipeline step with the machine's CPU per step: what a step costs, to set against what a resource costs. */
async function measureStepWithCpu(js: JetStreamClient, jsm: JetStreamManager, etcd: Etcd3, c: number, durationMs: number): Promise<RateResult> {
  const busy = readMachineBusySeconds();
  const r = await measurePipelineStep(js, jsm, etcd, c, durationMs);
  r.machineCpuMsPerOp = ((readMachineBusySeconds() - busy) * 1000) / Math.max(1, r.ops);
  return r;
}
