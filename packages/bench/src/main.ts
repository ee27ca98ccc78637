/**
 * `pnpm bench [--quick] [--profile] [--label NAME] [--keep-data]`: starts real
 * nats-server and etcd and the five services, measures the raw limits, the chain at
 * rising load and at half its peak, and the scale steps, then writes
 * packages/bench/results/<date>[-quick][-NAME].{md,json}. `--profile` also records CPU
 * profiles of the services (figures then include the profiler's overhead).
 */
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Etcd3 } from 'etcd3';
import { resourceClient } from '@esi/local-stack';
import { startBenchStack } from './bench-stack.js';
import { EventTap } from './chain/event-tap.js';
import { runClosedLevel, runOpenLevel, type ChainDeps, type LevelResult } from './chain/levels.js';
import { createContext, runBuild } from './chain/submit.js';
import { describeMachine } from './machine.js';
import { MODES } from './modes.js';
import { waitForQuietMachine } from './quiet-machine.js';
import { hottestFunctions, selfTimeByPackage } from './profile-summary.js';
import { measureRawLimits } from './raw/raw-limits.js';
import { renderMarkdown } from './report/markdown.js';
import type { BenchResult } from './report/result.js';
import { verdicts } from './report/targets.js';
import { capturePair } from './scale/clone-pair.js';
import { runScaleStep, type ScaleStep } from './scale/scale-step.js';

const args = process.argv.slice(2);
const mode = MODES[args.includes('--quick') ? 'quick' : 'full'];
const label = args.includes('--label') ? args[args.indexOf('--label') + 1] : undefined;
const profileDir = args.includes('--profile') ? mkdtempSync(join(tmpdir(), 'esi-bench-prof-')) : undefined;
const resultsDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');
const say = (s: string): void => console.log(`[bench] ${s}`);
const started = performance.now();

const env: Record<string, string> = profileDir
  ? { NODE_OPTIONS: `--import ${fileURLToPath(new URL('./cpu-profile-preload.mjs', import.meta.url))}`, ESI_BENCH_PROFILE_DIR: profileDir }
  : {};
const busyBefore = await waitForQuietMachine(mode.name === 'quick' ? 15_000 : 120_000, 25, say);
say(`${mode.name} mode: starting nats-server, etcd and the five services`);
const b = await startBenchStack(env);
const stackStarted = performance.now();
const firstPids = new Map(b.pids());
const etcd = new Etcd3({ hosts: b.etcd.url });
const tap = new EventTap();
try {
  say('raw limits');
  const raw = await measureRawLimits(b.nats.url, b.etcd.url, mode.rawConcurrency, mode.rawMs, say);

  await tap.start(b.nats.url);
  const client = resourceClient(b.stack.apiAddr);
  const ctx = await createContext(client, tap);
  let n = 0;
  const chain: ChainDeps = {
    client,
    tap,
    ctx,
    etcdUrl: b.etcd.url,
    pids: () => new Map([...b.pids(), ['bench driver', process.pid]]),
    nextBuild: () => n++,
  };
  const warm = [];
  for (let i = 0; i < mode.warmupBuilds; i++) warm.push(...(await runBuild(client, tap, ctx, chain.nextBuild())));
  const chainFrom = performance.now() - stackStarted;

  say('chain at rising load');
  const levels: LevelResult[] = [];
  for (const c of mode.levels) {
    const l = await runClosedLevel(chain, c, mode.levelMs, mode.maxBuildsPerLevel);
    levels.push(l);
    say(`  ${l.label}: ${l.throughput.toFixed(1)} resources/s, p50 ${l.latency.p50} ms, p99 ${l.latency.p99} ms${l.failures ? `, ${l.failures} failed (${l.firstFailure})` : ''}`);
  }
  const peak = levels.reduce((a, x) => (x.throughput > a.throughput ? x : a));
  const halfPeak = await runOpenLevel(chain, peak.throughput / 2, mode.halfPeakMs, mode.maxBuildsPerLevel);
  say(`  ${halfPeak.label}: ${halfPeak.throughput.toFixed(1)} resources/s, p50 ${halfPeak.latency.p50} ms, p99 ${halfPeak.latency.p99} ms`);

  say('scale');
  // One build (a port and its logical port): each copy adds two resources.
  const template = await capturePair(etcd, warm.slice(0, 2).map((w) => w.id), Object.values(ctx));
  const scale: ScaleStep[] = [];
  for (const [i, size] of mode.scaleSizes.entries()) {
    tap.clear();
    const last = i === mode.scaleSizes.length - 1;
    const s = await runScaleStep(b, etcd, chain, template, size, mode.scaleChanges, last, say);
    scale.push(s);
  }

  const result: BenchResult = {
    date: new Date().toISOString().slice(0, 10),
    mode: mode.name,
    machine: describeMachine(),
    settings: {
      'builds in flight per closed level': mode.levels.join(', '),
      'seconds per level': mode.levelMs / 1000,
      'half-peak open level, seconds': mode.halfPeakMs / 1000,
      'scale sizes': mode.scaleSizes.join(', '),
      'new changes per size (builds, one at a time)': mode.scaleChanges,
      'service settings': 'defaults (ESI_RESYNC_INTERVAL_MS 30000, ESI_POLL_INTERVAL_MS 5000, LOG_LEVEL info, no OTLP export)',
      profiled: profileDir ? 'yes: figures include the profiler overhead' : 'no',
      'machine busy before the start (% of one core, others)': Math.round(busyBefore),
    },
    raw,
    chain: { levels, halfPeak, etcdPerResource: levels[levels.length - 1]!.etcdPerResource },
    scale,
    verdicts: verdicts(raw, levels, halfPeak, scale),
    durationSeconds: (performance.now() - started) / 1000,
  };
  client.close();
  if (profileDir) result.profile = summarizeProfiles(profileDir, firstPids, chainFrom);
  mkdirSync(resultsDir, { recursive: true });
  const base = join(resultsDir, `${result.date}${mode.name === 'quick' ? '-quick' : ''}${label ? `-${label}` : ''}`);
  writeFileSync(`${base}.json`, `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(`${base}.md`, renderMarkdown(result));
  for (const t of result.verdicts.list) say(`${t.met ? 'met    ' : 'MISSED '} ${t.target}: ${t.measured}${t.gap ? ` (${t.gap})` : ''}`);
  say(`report: ${base}.md (${result.durationSeconds.toFixed(0)} s)`);
} finally {
  const t = performance.now();
  await tap.stop().catch(() => undefined);
  etcd.close();
  await b.stop({ keepData: args.includes('--keep-data') });
  say(`stopped (${((performance.now() - t) / 1000).toFixed(0)} s)${args.includes('--keep-data') ? `; data and logs kept in ${b.dataDir}` : ''}`);
}

/** Profiles of the services as first started (they cover the chain; restarts wrote them). */
function summarizeProfiles(dir: string, pids: Map<string, number>, fromMs: number): BenchResult['profile'] {
  const out: NonNullable<BenchResult['profile']> = {};
  for (const [name, pid] of pids) {
    const file = readdirSync(dir).find((f) => f === `${name}-${pid}.cpuprofile`);
    if (!file) continue;
    out[name] = { functions: hottestFunctions(join(dir, file), 15, fromMs).functions, packages: selfTimeByPackage(join(dir, file), fromMs).slice(0, 12) };
  }
  return out;
}
