/**
 * What bounds each missed target, computed from the run's own figures: the CPU a
 * resource costs across all processes against the CPU of one raw step, how busy the
 * machine was at the peak, where the time of a change goes, and the etcd work a
 * resource costs against the single compare-and-put of a raw step.
 */
import { SERVICE_NAMES } from '@esi/contracts';
import { STAGES } from '../chain/stages.js';
import type { LevelResult } from '../chain/levels.js';
import { CONCERNS, concernList, type Concern } from '../profile-concerns.js';
import { MACHINE } from '../proc-stats.js';
import { bestPipelineStep, cpuMsPerResource, peakOf, serviceBudget, type ServiceBudget } from './per-resource.js';
import type { BenchResult } from './result.js';
import { CRITICAL_PATH_STEPS, STEPS_PER_RESOURCE } from './targets.js';

export function boundsLines(r: BenchResult): string[] {
  const peak = peakOf(r.chain.levels);
  const cpuPerResourceMs = cpuMsPerResource(peak);
  const step = bestPipelineStep(r.raw);
  const stepCpuMs = step.machineCpuMsPerOp ?? Number.NaN;
  const cores = r.machine.cores;
  const cpuCap = (1000 * cores) / cpuPerResourceMs;
  const planner = (l: LevelResult): number => (l.stages[STAGES[1]]?.p50 ?? 0) + (l.stages[STAGES[3]]?.p50 ?? 0);
  const byCpu = Object.entries(peak.procs)
    .filter(([n]) => n !== MACHINE)
    .map(([n]) => [n, cpuMsPerResource(peak, (m) => m === n)] as const)
    .sort((a, b) => b[1] - a[1]);
  const e = r.chain.etcdPerResource;
  const half = r.chain.halfPeak;
  const worstStage = STAGES.map((s) => [s, half.stages[s]?.p95 ?? 0] as const).sort((a, b) => b[1] - a[1])[0]!;
  const u = r.chain.unloaded;
  return [
    `- **Throughput is bounded by CPU.** At the peak level the machine was ${Math.round(peak.procs[MACHINE]?.cpuPct ?? 0)} % busy of ${cores * 100} %. ` +
      `A resource costs ${cpuPerResourceMs.toFixed(0)} ms of CPU across all processes (${byCpu
        .slice(0, 4)
        .map(([n, ms]) => `${n} ${ms.toFixed(0)}`)
        .join(', ')} …), which alone caps ${cores} cores at ${cpuCap.toFixed(0)} resources/s. One raw step costs ` +
      `${stepCpuMs.toFixed(2)} ms of CPU, so a resource costs as much as ${(cpuPerResourceMs / stepCpuMs).toFixed(0)} raw steps where the limit counts ${STEPS_PER_RESOURCE}.` +
      budgetSentence(serviceBudget(peak, r.raw, cores, STEPS_PER_RESOURCE, SERVICE_NAMES), cores),
    `- **Where the CPU goes:** a resource makes ` +
      `${(e.requests ?? e.range + e.put + e.delete).toFixed(0)} etcd requests (carrying ${e.range.toFixed(0)} reads, ${e.put.toFixed(0)} puts, ${e.delete.toFixed(0)} deletes; ${e.fsync.toFixed(0)} WAL fsyncs) ` +
      `against the raw step's one compare-and-put, and each service handles, logs and traces every message it takes. ` +
      whereTheServicesCpuGoes(r, byCpu) +
      offTheEventLoop(peak),
    `- **The planner's stages grow with load.** It plans changes and results of different resources side by side (one at a time per resource). ` +
      `Its two stages are ${planner(peak).toFixed(0)} ms of the p50 at the peak level (the change stage ${(peak.stages[STAGES[1]]?.p50 ?? 0).toFixed(0)} ms, ` +
      `which for a logical port includes waiting for its port's heat job) and ${planner(r.chain.levels[0]!).toFixed(0)} ms at one build in flight.`,
    `- **Unloaded latency:** p50 ${u.latency.p50.toFixed(0)} ms, by stage ${STAGES.map((s) => `${(u.stages[s]?.p50 ?? 0).toFixed(0)}`).join(' + ')} ms ` +
      `(api, planner, heat-worker, planner, monitoring-worker, aggregator). Each stage is several sequential etcd round trips (fsync'd writes among them) ` +
      `and a JetStream hop, not the one of each a raw step makes; the heat-worker also renders its template (sandboxed Jinja, parsed once) and parses the result (YAML) unless it parsed the same text lately.` +
      unloadedSplit(u, r.raw.etcdTxn[0]?.latency.p50) +
      pacedBaseline(u, r) +
      crowding(u, cpuPerResourceMs, cores, 'this level'),
    `- **p99 at half the peak:** ${half.latency.p99.toFixed(0)} ms; the slowest stage there at p95 is "${worstStage[0]}" (${worstStage[1].toFixed(0)} ms)` +
      (worstStage[0] === STAGES[1] ? ` (for a logical port, it includes waiting for its port's heat job).` : '.') +
      crowding(half, cpuPerResourceMs, cores, 'half the peak') +
      closedBeside(half, r.chain.levels),
  ];
}

/** How near in throughput a closed level must be to the half-peak's to be set beside it. */
const BESIDE_WITHIN = 0.15;

/**
 * The closed level that moved about as many resources a second as the open level at half
 * the peak: the same load and CPU per resource with the builds in flight held to a number
 * instead of arriving at a fixed rate. Its p99 says how much of the open level's tail the
 * arrivals' queue makes, when the two cost alike on an equally busy machine (within 15 %).
 * Empty when no closed level came within 15 % of its throughput.
 */
export function closedBeside(half: LevelResult, levels: readonly LevelResult[]): string {
  const near = levels
    .filter((l) => l.concurrency !== undefined && Math.abs(l.throughput - half.throughput) <= BESIDE_WITHIN * half.throughput)
    .sort((a, b) => Math.abs(a.throughput - half.throughput) - Math.abs(b.throughput - half.throughput))[0];
  if (near === undefined) return '';
  const busy = (l: LevelResult): number => Math.round(l.procs[MACHINE]?.cpuPct ?? 0);
  const [cpuNear, cpuHalf] = [cpuMsPerResource(near), cpuMsPerResource(half)];
  // Only the same work on an equally busy machine leaves the arrivals as the difference.
  const alike = Math.abs(cpuNear - cpuHalf) <= BESIDE_WITHIN * cpuHalf && Math.abs(busy(near) - busy(half)) <= BESIDE_WITHIN * busy(half);
  return (
    ` The closed level with ${near.concurrency} build(s) in flight moved about as many (${near.throughput.toFixed(1)} resources/s against ${half.throughput.toFixed(1)}) ` +
    `at ${cpuNear.toFixed(1)} ms of CPU per resource against ${cpuHalf.toFixed(1)}, the machine ${busy(near)} % busy against ${busy(half)} %, ` +
    `and its p99 was ${near.latency.p99.toFixed(0)} ms against ${half.latency.p99.toFixed(0)}` +
    (alike && near.latency.p99 < half.latency.p99
      ? `: about the same work on about as busy a machine, so the rest of the tail is the queue that builds arriving at a fixed rate meet while a burst is worked off, which a fixed number in flight never forms.`
      : '.')
  );
}

/**
 * The target as a CPU budget: what half the limit leaves a resource on this machine, and
 * what the servers and the driver leave of it to the services.
 */
function budgetSentence(b: ServiceBudget, cores: number): string {
  const start = ` At half the limit the ${cores} cores, fully busy, give a resource at most ${b.allowedMs.toFixed(1)} ms of CPU; etcd, nats-server and the bench driver alone spent ${b.othersMs.toFixed(1)} ms of it at the peak, `;
  return b.servicesAllowedMs <= 0
    ? `${start}so the target is out of reach however little the five services spend (they spent ${b.servicesMs.toFixed(1)} ms).`
    : `${start}leaving the five services ${b.servicesAllowedMs.toFixed(1)} ms together where they spent ${b.servicesMs.toFixed(1)} (${(b.servicesMs / b.servicesAllowedMs).toFixed(1)}×).`;
}

/**
 * The services' CPU at the peak split by concern, from their profiles (--profile), each
 * service weighted by the CPU it spent per resource; without profiles, says how to get it.
 */
function whereTheServicesCpuGoes(r: BenchResult, byCpu: readonly (readonly [string, number])[]): string {
  const profiled = byCpu.filter(([name]) => r.profile?.[name]?.concerns);
  if (profiled.length === 0) return 'Run with `--profile` to split the services\' CPU by concern.';
  const total = profiled.reduce((a, [, ms]) => a + ms, 0);
  const mix = Object.fromEntries(CONCERNS.map((k) => [k, 0])) as Record<Concern, number>;
  for (const [name, ms] of profiled) for (const k of CONCERNS) mix[k] += (r.profile![name]!.concerns![k] * ms) / total;
  return (
    `The services' profiles of the chain levels, weighted by each one's CPU per resource at the peak (${total.toFixed(0)} ms of the ${byCpu.reduce((a, [, ms]) => a + ms, 0).toFixed(0)}; ` +
    `the rest is etcd, nats-server and the bench driver), split it by concern: ${concernList(mix)}.`
  );
}

/**
 * How much of the services' CPU at the level ran on threads other than their event loops:
 * V8's (the garbage collector's helpers, the optimising compilers) and libuv's. A profile
 * of the main thread does not see it. Empty for result files without the split.
 */
export function offTheEventLoop(l: LevelResult): string {
  const split = Object.entries(l.procs).filter(([name, u]) => (SERVICE_NAMES as readonly string[]).includes(name) && u.mainThreadCpuSeconds !== undefined && u.cpuSeconds > 0);
  if (split.length === 0) return '';
  const share = (cpu: number, main: number): number => (100 * Math.max(0, cpu - main)) / cpu;
  const cpu = split.reduce((a, [, u]) => a + u.cpuSeconds, 0);
  const main = split.reduce((a, [, u]) => a + u.mainThreadCpuSeconds!, 0);
  const each = split
    .map(([name, u]) => [name, share(u.cpuSeconds, u.mainThreadCpuSeconds!)] as const)
    .sort((a, b) => b[1] - a[1])
    .map(([name, pct]) => `${name} ${pct.toFixed(0)} %`);
  return (
    ` Of the services' CPU at this level, ${share(cpu, main).toFixed(0)} % ran off their event loops, on V8's own threads ` +
    `(the garbage collector's helpers, the optimising compilers), which their profiles do not show: ${each.join(', ')}.`
  );
}

/**
 * How crowded the machine was for a level's resources: their CPU cost at that level
 * against the peak's (batching makes a resource cheaper as load rises), how busy the
 * machine was, and how long the services' event loops waited, runnable, for a CPU.
 */
function crowding(l: LevelResult, peakMs: number, cores: number, where: string): string {
  const n = Math.max(1, l.resources);
  const cpuMs = cpuMsPerResource(l);
  const waits = Object.entries(l.procs)
    .filter(([name, u]) => (SERVICE_NAMES as readonly string[]).includes(name) && u.runQueueWaitSeconds !== undefined)
    .map(([name, u]) => [name, (1000 * u.runQueueWaitSeconds!) / n] as const)
    .sort((a, b) => b[1] - a[1]);
  const waited = waits.reduce((a, [, ms]) => a + ms, 0);
  return (
    ` At ${where} a resource costs ${cpuMs.toFixed(0)} ms of CPU across all processes (${peakMs.toFixed(0)} at the peak, where more of its requests and messages share a batch) ` +
    `and the machine was ${Math.round(l.procs[MACHINE]?.cpuPct ?? 0)} % busy of ${cores * 100} %` +
    (waits.length === 0
      ? '.'
      : `; the services' event loops (their main threads) waited ${waited.toFixed(1)} ms per resource, runnable, for a CPU ` +
        `(${waits.map(([name, ms]) => `${name} ${ms.toFixed(1)}`).join(', ')}; the kernel's run-queue delay): time neither etcd, NATS nor the services' own work accounts for.`)
  );
}

/**
 * The unloaded level's time per resource inside the services (their own histograms):
 * handling, and of it etcd. Summed over every message a resource causes, some of it off
 * the resource's path (results folded after its last dispatch), so it is set beside the
 * latency, not subtracted from it.
 */
/**
 * The limit's step runs back to back, its processes kept on a CPU; an unloaded build's
 * stages start from sleeping ones. The raw step paced as the builds are says how much of
 * the ratio that alone makes.
 */
function pacedBaseline(u: LevelResult, r: BenchResult): string {
  const paced = r.raw.pacedStep;
  const hot = r.raw.pipelineStep[0]?.latency.p50;
  if (!paced || hot === undefined) return '';
  const sum = CRITICAL_PATH_STEPS * paced.latency.p50;
  return (
    ` The raw step itself, paced one every ${paced.pauseMs} ms as these builds are, took ${paced.latency.p50.toFixed(2)} ms (p50) against ${hot.toFixed(2)} ms back to back: ` +
    `an idle system costs a step ${(paced.latency.p50 / hot).toFixed(1)}× its time, and against ${CRITICAL_PATH_STEPS} paced steps (${sum.toFixed(1)} ms) the unloaded p50 is ${(u.latency.p50 / sum).toFixed(1)}×.` +
    (sum > 2 * CRITICAL_PATH_STEPS * hot
      ? ` Those ${CRITICAL_PATH_STEPS} paced raw steps alone take longer than the target allows (${(2 * CRITICAL_PATH_STEPS * hot).toFixed(1)} ms): a chain that added nothing to them would miss it too.`
      : '')
  );
}

function unloadedSplit(u: LevelResult, rawTxnMs: number | undefined): string {
  const t = u.timePerResource;
  if (!t || Object.keys(t).length === 0) return '';
  const services = Object.entries(t).sort((a, b) => b[1].handleMs - a[1].handleMs);
  const handle = services.reduce((a, [, x]) => a + x.handleMs, 0);
  const etcd = services.reduce((a, [, x]) => a + x.etcdMs, 0);
  const requests = services.reduce((a, [, x]) => a + x.etcdRequests, 0);
  const e = u.etcdPerResource;
  const etcdOwn =
    e.kvRequests !== undefined && e.kvSeconds !== undefined && e.kvRequests > 0
      ? ` etcd's own histogram says it handled its ${e.kvRequests.toFixed(1)} key-value requests per resource in ${((1000 * e.kvSeconds) / e.kvRequests).toFixed(2)} ms each: the rest of each request's time passed in the client process and on its way.`
      : '';
  return (
    ` Measured at that level, per resource (mean latency ${u.latency.mean.toFixed(0)} ms): the services' handlers ran ${handle.toFixed(1)} ms ` +
    `(${services.map(([n, x]) => `${n} ${x.handleMs.toFixed(1)}`).join(', ')}; some of it off the resource's path), ` +
    `${etcd.toFixed(1)} ms of it waiting on ${requests.toFixed(1)} etcd requests, ${(etcd / Math.max(requests, 1e-9)).toFixed(2)} ms each` +
    `${rawTxnMs === undefined ? '' : ` where the raw compare-and-put alone takes ${rawTxnMs.toFixed(2)} ms`}.` +
    etcdOwn
  );
}
