/**
 * `pnpm bench [options]` (`args.ts` lists them, `--help` prints them): starts real
 * nats-server and etcd and the five services, measures the raw limits and the chain
 * (unloaded, at rising load, at half its peak), then on a fresh stack with two planners
 * by partition the chain's peak level again (reported, not a target), then on a fresh
 * stack the scale steps, and writes tools/bench/results/<date>[-quick][-NAME].{md,json}.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileWorkspace } from '@esi/local-stack';
import { onStopSignals } from '@esi/test-servers';
import { startBenchStack, type BenchStack, type BenchStackOptions } from './bench-stack.js';
import { buildsBefore, runChainPhase, WARMUP_BUILDS_IN_FLIGHT } from './chain/chain-phase.js';
import { openChainSession, type ChainSession } from './chain/session.js';
import { firstPlannerEnv, PARTITIONS, runTwoPlannerLevel, startSecondPlanner, type TwoPlannersResult } from './chain/two-planners.js';
import { parseBenchArgs, UsageError, USAGE, type BenchArgs } from './args.js';
import { describeMachine } from './machine.js';
import { MODES } from './modes.js';
import { timeByConcern } from './profile-concerns.js';
import { hottestFunctions, readProfile, selfTimeByPackage } from './profile-summary.js';
import { waitForQuietMachine } from './quiet-machine.js';
import { measurePipelineStepAgain, measureRawLimits } from './raw/raw-limits.js';
import { renderMarkdown } from './report/markdown.js';
import { bestPipelineStep, peakOf, stepsBesidePeak } from './report/per-resource.js';
import type { BenchResult } from './report/result.js';
import { verdicts } from './report/targets.js';
import { runScalePhase } from './scale/scale-phase.js';
import type { ScaleStep } from './scale/scale-step.js';

let args: BenchArgs;
try {
  args = parseBenchArgs(process.argv.slice(2));
} catch (err) {
  if (!(err instanceof UsageError)) throw err;
  console.error(`bench: ${err.message}\n\n${USAGE}`);
  process.exit(2);
}
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
const baseMode = MODES[args.quick ? 'quick' : 'full'];
const mode = args.scaleSizes === undefined ? baseMode : { ...baseMode, scaleSizes: args.scaleSizes };
const { label, compareFile, notesFile, keepData } = args;
const profileDir = args.profile ? mkdtempSync(join(tmpdir(), 'esi-bench-prof-')) : undefined;
const resultsDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');
const say = (s: string): void => console.log(`[bench] ${s}`);
const started = performance.now();
const env: Record<string, string> = profileDir
  ? { NODE_OPTIONS: `--import ${fileURLToPath(new URL('./cpu-profile-preload.mjs', import.meta.url))}`, ESI_BENCH_PROFILE_DIR: profileDir }
  : {};

/** Runs `fn` on a fresh stack with a chain session, and always stops both. */
async function onStack<T>(
  what: string,
  fn: (b: BenchStack, s: ChainSession, stackStartedMs: number) => Promise<T>,
  opts: BenchStackOptions & { beforeSession?: (b: BenchStack) => Promise<void> } = {},
): Promise<T> {
  say(`${what}: starting nats-server, etcd and the five services`);
  const b = await startBenchStack(env, { ...opts, ...(compiledRoot ? { compiledRoot } : {}) });
  current = b;
  const stackStartedMs = performance.now();
  let session: ChainSession | undefined;
  try {
    await opts.beforeSession?.(b);
    session = await openChainSession(b);
    return await fn(b, session, stackStartedMs);
  } finally {
    await session?.close().catch(() => undefined);
    current = undefined;
    await b.stop({ keepData });
    if (keepData) say(`data and logs kept in ${b.dataDir}`);
  }
}

// Ctrl-C or SIGTERM stops the stack being measured and writes no report. Its servers and
// services run in process groups of their own (see @esi/test-servers), so without this
// they would outlive the bench, an etcd holding gigabytes in /tmp among them.
let current: BenchStack | undefined;
onStopSignals(async (signal) => {
  say(`${signal}: stopping the stack (no report is written; ${signal === 'SIGINT' ? 'Ctrl-C' : 'the signal'} again to stop at once)`);
  await current?.stop({ keepData }).catch((err: unknown) => say(`stopping: ${(err as Error).message}`));
  if (keepData && current) say(`data and logs kept in ${current.dataDir}`);
  return 130;
}, say);

// --render results/X.json: write X.md again from the figures kept in X.json (no run).
const renderFile = args.renderFile;
if (renderFile) {
  const kept = JSON.parse(readFileSync(renderFile, 'utf8')) as BenchResult;
  writeFileSync(renderFile.replace(/\.json$/, '.md'), report(kept));
  say(`report: ${renderFile.replace(/\.json$/, '.md')}`);
  process.exit(0);
}

// The services run as the production image runs them: compiled to JavaScript, file by
// file (deploy/docker/compile.sh), unless --tsx asks for tsx as `pnpm start` uses.
const compiledRoot = args.tsx ? undefined : compileWorkspace(join(mkdtempSync(join(tmpdir(), 'esi-bench-compiled-')), 'app'));
if (compiledRoot) say(`services compiled to JavaScript in ${compiledRoot}`);
const busyBefore = await waitForQuietMachine(mode.name === 'quick' ? 15_000 : 120_000, 25, say);
const first = await onStack(`${mode.name} mode, raw limits and chain`, async (b, s, stackStartedMs) => {
  const pids = new Map(b.pids());
  say('raw limits');
  const raw = await measureRawLimits(b.nats.url, b.etcd.url, mode.rawConcurrency, mode.rawMs, say);
  say('chain: unloaded, then at rising load');
  const chainFromMs = performance.now() - stackStartedMs;
  // The raw step again after each closed level, so the limit is read beside the peak.
  const limitConcurrency = bestPipelineStep(raw).concurrency; // the raw phase's best: besidePeak is not set yet
  const phase = await runChainPhase(s.chain, mode, say, () => measurePipelineStepAgain(b.nats.url, b.etcd.url, limitConcurrency, mode.rawMs));
  raw.besidePeak = stepsBesidePeak(raw, phase.levels);
  if (raw.besidePeak) {
    const { level, before, after } = raw.besidePeak;
    say(`the limit beside the peak (${level}): ${before.perSecond.toFixed(0)} steps/s right before it, ${after.perSecond.toFixed(0)}/s right after; the faster counts`);
  }
  return { raw, chain: { ...phase, etcdPerResource: phase.levels[phase.levels.length - 1]!.etcdPerResource }, pids, chainFromMs };
});
const { raw, chain } = first;
// The services write their profiles as they stop, so they are read once that stack is down.
const profile = profileDir ? summarizeProfiles(profileDir, first.pids, first.chainFromMs) : undefined;
// The raw profiles stay: Chrome DevTools (Performance → Load profile) or speedscope draw them as flame graphs.
if (profileDir) say(`CPU profiles of the services (open as flame graphs): ${profileDir}`);

// The peak level again on a fresh stack with two planners by partition (reported, not a target).
const onePlannerPeak = peakOf(chain.levels);
const twoPlanners: TwoPlannersResult = { partitions: PARTITIONS, held: {}, warmupSeconds: 0 };
try {
  twoPlanners.level = await onStack(
    `two planners (${PARTITIONS} partitions)`,
    async (_b, s) => {
      const inFlight = onePlannerPeak.concurrency ?? 8;
      const wanted = buildsBefore(chain, onePlannerPeak);
      say(`two planners: warm-up of ${wanted} builds (the one-planner stack's before its peak), ${inFlight} in flight, then ${mode.levelMs / 1000} s measured`);
      const { level: l, warmup } = await runTwoPlannerLevel(s.chain, inFlight, { builds: wanted, maxMs: mode.twoPlannersWarmupMaxMs }, mode.levelMs, mode.maxBuildsPerLevel);
      Object.assign(twoPlanners, { warmupSeconds: warmup.seconds, warmupBuilds: Math.floor(warmup.resources / 2), warmupBuildsWanted: wanted, warmupInFlight: inFlight });
      say(`  warm-up: ${twoPlanners.warmupBuilds} builds in ${warmup.seconds.toFixed(1)} s`);
      say(`  ${l.label}: ${l.throughput.toFixed(1)} resources/s, p50 ${l.latency.p50} ms, p99 ${l.latency.p99} ms${l.failures ? `, ${l.failures} failed (${l.firstFailure})` : ''}`);
      return l;
    },
    {
      serviceEnv: { planner: firstPlannerEnv() },
      beforeSession: async (b) => {
        say('two planners: starting planner-2, waiting until each plans its partition');
        const { held, heldAfterMs } = await startSecondPlanner(b);
        Object.assign(twoPlanners, { held, heldAfterMs });
        say(`  held: ${Object.entries(held).map(([n, h]) => `${n} [${h.join(', ')}]`).join(', ')} after ${(heldAfterMs / 1000).toFixed(1)} s`);
      },
    },
  );
} catch (err) {
  // Reported as not measured; the rest of the run goes on.
  twoPlanners.error = (err as Error).message;
  say(`two planners: not measured: ${twoPlanners.error}`);
}

const scale: ScaleStep[] =
  mode.scaleSizes.length === 0 ? [] : await onStack('scale', async (b, s) => (say('scale'), runScalePhase(b, s.chain, mode, say)));

// Every stack is down: the compiled copy is of no further use.
if (compiledRoot) rmSync(dirname(compiledRoot), { recursive: true, force: true });

const result: BenchResult = {
  date: new Date().toISOString().slice(0, 10),
  mode: mode.name,
  machine: describeMachine(),
  settings: {
    'warm-up before the unloaded level': `${chain.warmupBuilds} builds, ${WARMUP_BUILDS_IN_FLIGHT} in flight (until ${mode.warmup.builds} builds or ${mode.warmup.maxMs / 1000} s)`,
    'unloaded builds (one at a time, 300 ms apart)': mode.unloadedBuilds,
    'builds in flight per closed level': mode.levels.join(', '),
    'seconds per level': mode.levelMs / 1000,
    'half-peak open level, seconds': mode.halfPeakMs / 1000,
    'two planners (fresh stack, 2 partitions)': `a warm-up of as many builds as the one-planner stack settled before its peak level (at most ${mode.twoPlannersWarmupMaxMs / 1000} s), then ${mode.levelMs / 1000} s, both at the peak level's builds in flight`,
    'scale sizes (on a fresh stack)': mode.scaleSizes.join(', ') || 'none',
    'new changes per size and round': `${mode.scaleRound.builds} builds, one at a time, ${mode.scaleRound.pauseMs} ms apart`,
    services: compiledRoot ? 'compiled to JavaScript as the production image runs them (esbuild file by file, deploy/docker/compile.sh)' : 'TypeScript through tsx, as pnpm start runs them (--tsx)',
    'service settings': 'defaults (ESI_RESYNC_INTERVAL_MS 30000, ESI_POLL_INTERVAL_MS 5000, LOG_LEVEL info, no OTLP export)',
    profiled: profileDir ? 'yes: figures include the profiler overhead' : 'no',
    'machine busy before the start (% of one core, others)': Math.round(busyBefore),
    ...(label ? { label } : {}),
  },
  raw,
  chain,
  twoPlanners,
  scale,
  ...(profile ? { profile } : {}),
  verdicts: verdicts(raw, chain.unloaded, chain.levels, chain.halfPeak, scale),
  durationSeconds: (performance.now() - started) / 1000,
};
mkdirSync(resultsDir, { recursive: true });
const base = join(resultsDir, `${result.date}${mode.name === 'quick' ? '-quick' : ''}${label ? `-${label}` : ''}`);
writeFileSync(`${base}.json`, `${JSON.stringify(result, null, 2)}\n`);
writeFileSync(`${base}.md`, report(result));
for (const t of result.verdicts.list) say(`${t.met ? 'met    ' : 'MISSED '} ${t.target}: ${t.measured}${t.gap ? ` (${t.gap})` : ''}`);
say(`report: ${base}.md (${result.durationSeconds.toFixed(0)} s)`);

/** The Markdown report, with the --compare table and the --notes file when given. */
function report(r: BenchResult): string {
  const before = compareFile ? (JSON.parse(readFileSync(compareFile, 'utf8')) as BenchResult) : undefined;
  // --notes FILE: hand-written findings appended to the report (what was changed and why).
  const notes = notesFile ? `\n${readFileSync(notesFile, 'utf8').trim()}\n` : '';
  return `${renderMarkdown(r, before)}${notes}`;
}

/** Profiles of the services as first started (they cover the chain; restarts wrote them). */
function summarizeProfiles(dir: string, pids: Map<string, number>, fromMs: number): BenchResult['profile'] {
  const out: NonNullable<BenchResult['profile']> = {};
  for (const [name, pid] of pids) {
    const file = readdirSync(dir).find((f) => f === `${name}-${pid}.cpuprofile`);
    if (!file) continue;
    const profile = readProfile(join(dir, file), compiledRoot);
    out[name] = {
      functions: hottestFunctions(profile, 15, fromMs).functions,
      packages: selfTimeByPackage(profile, fromMs).slice(0, 12),
      concerns: timeByConcern(profile, fromMs),
    };
  }
  return out;
}
