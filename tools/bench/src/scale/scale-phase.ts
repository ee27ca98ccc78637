/**
 * The scale phase, on a stack of its own (the chain phase leaves thousands of
 * resources behind, more than the first size): one build settles and is captured as
 * the template of the copies, then each size in turn (scale-step.ts).
 */
import { Etcd3 } from 'etcd3';
import { pluralOf } from '@esi/catalog';
import { monitoringKey } from '@esi/contracts';
import type { BenchStack } from '../bench-stack.js';
import type { ChainDeps } from '../chain/levels.js';
import { runBuild } from '../chain/submit.js';
import type { Mode } from '../modes.js';
import { capturePair } from './clone-pair.js';
import { runScaleStep, type ScaleStep } from './scale-step.js';

export async function runScalePhase(b: BenchStack, chain: ChainDeps, mode: Mode, say: (s: string) => void): Promise<ScaleStep[]> {
  const etcd = new Etcd3({ hosts: b.etcd.url });
  try {
    const settled = await runBuild(chain.client, chain.tap, chain.ctx, chain.nextBuild());
    // The copies carry the logical port's /monitoring status once the poller wrote it
    // (it polls a new target after one interval): a deployment's resources have theirs.
    const lp = settled.find((s) => s.type === 'ese_logical_port')!;
    for (let i = 0; i < 40 && !(await etcd.get(monitoringKey(pluralOf(lp.type), lp.id)).string()); i++) await new Promise((r) => setTimeout(r, 500));
    const template = await capturePair(etcd, settled.map((s) => s.id), Object.values(chain.ctx));
    const steps: ScaleStep[] = [];
    for (const [i, size] of mode.scaleSizes.entries()) {
      await chain.tap.clear();
      steps.push(await runScaleStep(b, etcd, chain, template, size, mode.scaleRound, i === mode.scaleSizes.length - 1, say));
    }
    return steps;
  } finally {
    etcd.close();
  }
}
