/** Renders a run as the Markdown report (results/<date>.md). */
import { STAGES } from '../chain/stages.js';
import { MACHINE } from '../proc-stats.js';
import type { ChangeRound } from '../scale/measure-changes.js';
import type { ScaleStep } from '../scale/scale-step.js';
import type { Summary } from '../stats.js';
import { concernList } from '../profile-concerns.js';
import { boundsLines } from './bounds.js';
import { comparisonLines } from './comparison.js';
import { costCurve, cpuMsPerResource, peakOf } from './per-resource.js';
import type { BenchResult } from './result.js';
import { CRITICAL_PATH_STEPS, STEPS_PER_RESOURCE } from './targets.js';
import { twoPlannersLines } from './two-planners.js';

const f0 = (x: number): string => (Number.isFinite(x) ? x.toFixed(0) : '–');
const f1 = (x: number): string => (Number.isFinite(x) ? x.toFixed(1) : '–');
const f2 = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : '–');
const lat = (s: Summary): string => `${f0(s.p50)} / ${f0(s.p95)} / ${f0(s.p99)}`;
const row = (cells: (string | number)[]): string => `| ${cells.join(' | ')} |`;
const SERVICES = ['api', 'planner', 'heat-worker', 'monitoring-worker', 'state-aggregator'];
const OTHERS = ['nats-server', 'etcd', 'bench driver'];

/** CPU the machine spent on processes other than the stack and the bench (% of one core). */
export function othersPct(procs: Record<string, { cpuPct: number }>): number {
  const ours = Object.entries(procs).filter(([n]) => n !== MACHINE).reduce((a, [, u]) => a + u.cpuPct, 0);
  return Math.max(0, (procs[MACHINE]?.cpuPct ?? Number.NaN) - ours);
}

export function renderMarkdown(r: BenchResult, before?: BenchResult): string {
  const v = r.verdicts;
  const out: string[] = [];
  const m = r.machine;
  out.push(`# Benchmark ${r.date} (${r.mode} mode)`, '');
  out.push(
    `Machine: ${m.host}, ${m.cores} cores (${m.cpu}), ${m.memoryGb} GB; Node ${m.node}; ${m.natsServer}; ${m.etcd}. ` +
      `Run took ${f0(r.durationSeconds)} s (\`pnpm bench${r.mode === 'quick' ? ' --quick' : ''}\`).`,
    '',
    'Real nats-server (JetStream, file storage) and etcd (fsync of its WAL on every commit, its default) on loopback, the five ' +
      'services as separate processes launched by `@esi/local-stack`, embedded heat driver, simulated SNMP device. ' +
      "Debian's nats-server 2.9 has no `sync_interval` setting, so JetStream syncs its files on its own schedule (every two " +
      'minutes) rather than per message as `deploy/nats/nats.conf` asks (`sync_interval: always`): publish figures here are ' +
      'those of a page-cache write. Every figure is measured in this run; ratios compare figures of this run.',
    '',
  );
  out.push('## Targets', '', row(['target', 'measured', 'met']), row(['---', '---', '---']));
  for (const t of v.list) out.push(row([t.target, `${t.measured}${t.gap ? ` — **${t.gap}**` : ''}`, t.met ? 'yes' : '**no**']));
  out.push(
    '',
    `Limits from the raw figures of this run: one pipeline step (consume → etcd compare-and-put → publish with ack → ack) ` +
      `peaks at ${f0(v.stepPerSecond)} steps/s${r.raw.besidePeak ? ` beside the peak level (measured right before or after it; see "Raw limits")` : ''}; a resource takes ${STEPS_PER_RESOURCE} steps, so the throughput limit is ` +
      `${f1(v.throughputLimit)} resources/s. One step takes ${f2(v.stepP50Ms)} ms (p50, alone); ${CRITICAL_PATH_STEPS} steps lie ` +
      `between submit and CREATE_COMPLETED, so the latency limit is ${f1(v.latencyLimitMs)} ms.`,
    '',
  );

  out.push('## What bounds the misses', '', ...boundsLines(r), '');
  if (before) out.push(...comparisonLines(before, r), '');

  out.push('## Raw limits (from Node, same servers)', '');
  out.push(
    row(['at once', 'etcd compare-and-put /s (p50 ms)', 'JetStream publish+ack /s (p50 ms)', 'pipeline step /s (p50 ms)', 'CPU per step, whole machine (ms)']),
    row(['---:', '---:', '---:', '---:', '---:']),
  );
  r.raw.etcdTxn.forEach((e, i) => {
    const j = r.raw.jetStreamPublish[i]!;
    const s = r.raw.pipelineStep[i]!;
    out.push(
      row([e.concurrency, `${f0(e.perSecond)} (${f2(e.latency.p50)})`, `${f0(j.perSecond)} (${f2(j.latency.p50)})`, `${f0(s.perSecond)} (${f2(s.latency.p50)})`, f2(s.machineCpuMsPerOp ?? Number.NaN)]),
    );
  });
  const beside = r.raw.besidePeak;
  if (beside) {
    const c = beside.after.concurrency;
    const first = r.raw.pipelineStep.find((x) => x.concurrency === c);
    const drift = r.chain.levels.flatMap((l) => (l.rawStepAfter ? [`${f0(l.rawStepAfter.perSecond)} after ${l.concurrency}`] : []));
    out.push(
      '',
      `The limit is read beside the level it judges. The pipeline step at ${c} at once, right before the peak level (${beside.level}): ` +
        `${f0(beside.before.perSecond)}/s (${f2(beside.before.machineCpuMsPerOp ?? Number.NaN)} ms of CPU each); right after it: ` +
        `${f0(beside.after.perSecond)}/s (${f2(beside.after.machineCpuMsPerOp ?? Number.NaN)} ms); the faster counts. ` +
        `The same step through the run, the machine's speed drifting: ${f0(first?.perSecond ?? Number.NaN)}/s before the chain, then ${drift.join(', ')} build(s) in flight.`,
    );
  }
  const again = r.raw.pipelineStepAfter;
  if (again && !beside) {
    const first = r.raw.pipelineStep.find((x) => x.concurrency === again.concurrency);
    out.push(
      '',
      `The pipeline step at ${again.concurrency} at once again after the chain's levels: ${f0(again.perSecond)}/s (p50 ${f2(again.latency.p50)} ms, ` +
        `${f2(again.machineCpuMsPerOp ?? Number.NaN)} ms of CPU each), against ${f0(first?.perSecond ?? Number.NaN)}/s before them. ` +
        `The machine's speed drifts within a run; the limits above take the faster of the two.`,
    );
  }
  const paced = r.raw.pacedStep;
  if (paced) {
    out.push(
      '',
      `The pipeline step one at a time but paced, one input every ${paced.pauseMs} ms as the unloaded builds come (the processes asleep between steps, ` +
        `not kept on a CPU by the next step): p50 ${f2(paced.latency.p50)} ms, p95 ${f2(paced.latency.p95)} ms over ${paced.ops} steps, ` +
        `against ${f2(r.raw.pipelineStep[0]!.latency.p50)} ms back to back.`,
    );
  }
  out.push('');

  out.push('## The chain: port + ese_logical_port builds through gRPC', '');
  out.push(
    'Each build: a port, then an ese_logical_port carrying it (its heat job waits for the port\'s and reads its stack output), ' +
      'each with a heat and a monitoring job. Closed levels keep N builds in flight; latency is submit → CREATE_COMPLETED ' +
      '(the aggregator\'s StateChanged timestamp) per resource.',
    '',
  );
  out.push(
    row(['level', 'resources', 'throughput /s', '÷ limit', 'p50 / p95 / p99 ms', 'port p50', 'logical port p50', 'machine CPU (of 200 %)', 'of it others', 'CPU ms per resource', 'failures']),
    row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']),
  );
  for (const l of [r.chain.unloaded, ...r.chain.levels, r.chain.halfPeak]) {
    out.push(
      row([
        l.label,
        l.resources,
        f1(l.throughput),
        f2(l.throughput / v.throughputLimit),
        lat(l.latency),
        f0(l.latencyByType.port?.p50 ?? Number.NaN),
        f0(l.latencyByType.ese_logical_port?.p50 ?? Number.NaN),
        `${f0(l.procs[MACHINE]?.cpuPct ?? Number.NaN)} %`,
        `${f0(othersPct(l.procs))} %`,
        f1(cpuMsPerResource(l)),
        l.failures,
      ]),
    );
  }
  out.push('', `Unloaded (one build at a time on an idle system) p50 ${f0(v.unloaded.p50)} ms = ${f1(v.unloaded.ratio)} × the latency limit.`);
  const curve = costCurve(r.chain.levels, r.raw);
  if (curve) {
    out.push(
      '',
      `CPU per resource (all processes) falls as more is in flight: ${f1(curve.chain.oneMs)} ms ${curve.chain.oneLabel.replace(/^closed, /, 'with ')}, ` +
        `${f1(curve.chain.peakMs)} ms at the peak (${curve.chain.peakLabel}), ${f1(curve.chain.ratio)} ×. The raw step's CPU falls alike on the same servers: ` +
        `${f2(curve.raw.oneMs)} ms one at a time, ${f2(curve.raw.peakMs)} ms at ${curve.raw.peakConcurrency} at once, ${f1(curve.raw.ratio)} ×.`,
    );
  }
  out.push('');

  out.push('### Stages (p50 ms, from the services\' event timestamps)', '');
  out.push(row(['level', ...STAGES]), row(['---', ...STAGES.map(() => '---:')]));
  for (const l of [r.chain.unloaded, ...r.chain.levels, r.chain.halfPeak]) out.push(row([l.label, ...STAGES.map((s) => f0(l.stages[s]?.p50 ?? Number.NaN))]));
  out.push('', 'A logical port\'s planner stage includes waiting for its port\'s heat job.', '');

  out.push('### CPU (% of one core) and peak RSS (MB) per process', '');
  const procs = [...SERVICES, ...OTHERS];
  out.push(row(['level', ...procs]), row(['---', ...procs.map(() => '---:')]));
  for (const l of [r.chain.unloaded, ...r.chain.levels, r.chain.halfPeak]) {
    out.push(row([l.label, ...procs.map((p) => (l.procs[p] ? `${f0(l.procs[p]!.cpuPct)} % / ${f0(l.procs[p]!.peakRssMb)}` : '–'))]));
  }
  const peak = peakOf(r.chain.levels);
  out.push('', `CPU milliseconds per resource at the peak level (${peak.label}):`, '');
  out.push(row(procs), row(procs.map(() => '---:')));
  out.push(row(procs.map((p) => f1(peak.procs[p] ? cpuMsPerResource(peak, (n) => n === p) : Number.NaN))));
  const e = r.chain.etcdPerResource;
  out.push(
    '',
    `etcd work per resource (from etcd's own counters): ${f1(e.requests ?? Number.NaN)} requests (unary gRPC calls of every kind); inside them ` +
      `${f1(e.range)} reads, ${f1(e.put)} puts, ${f1(e.delete)} deletes, ${f1(e.txn)} transactions; ${f1(e.fsync)} WAL fsyncs. ` +
      `The raw step does one request (a compare-and-put) and one fsync.`,
    '',
  );
  const requests = peak.requestsPerResource;
  if (requests && Object.keys(requests).length > 0) {
    const ops = ['get', 'range', 'put', 'delete', 'txn'];
    out.push(
      `etcd requests per resource by service at the peak level (${peak.label}; the services' own counters):`,
      '',
      row(['service', ...ops, 'all']),
      row(['---', ...ops.map(() => '---:'), '---:']),
      ...Object.entries(requests)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([service, byOp]) => row([service, ...ops.map((op) => f1(byOp[op] ?? 0)), f1(Object.values(byOp).reduce((a, b) => a + b, 0))])),
      '',
    );
    const byFamily = peak.requestsByFamily ?? {};
    if (Object.keys(byFamily).length > 0) {
      out.push('Where they go (request and key family, per resource; 0.1 and above):', '');
      for (const [service, families] of Object.entries(byFamily).sort(([a], [b]) => a.localeCompare(b))) {
        const listed = Object.entries(families)
          .filter(([, n]) => n >= 0.05)
          .sort((a, b) => b[1] - a[1])
          .map(([what, n]) => `${what} ${f1(n)}`);
        out.push(`- ${service}: ${listed.join('; ')}`);
      }
      out.push('');
    }
  }

  if (r.twoPlanners) out.push(...twoPlannersLines(r.twoPlanners, peak, v.throughputLimit, m.cores));

  if (r.scale.length > 0) {
    out.push('## Scale: resources already present', '');
    out.push(
      'Copies of a settled build (every key it left in etcd, with fresh ids) are written straight into etcd; the workers and the ' +
        'planner are restarted on that data, the planner is timed from its restart to the end of its first resync, and builds are ' +
        "submitted one at a time to measure the latency of a new change: first before the monitoring-worker's keys of the copies " +
        '(its targets and /monitoring statuses) are written, then with them.',
      '',
    );
    const round = (c: ChangeRound): string =>
      c.failures.length > 0 && c.latency.n === 0
        ? `failed: ${c.failures[0]}`
        : `${f0(c.latency.p50)} / ${f0(c.latency.p95)} / ${f0(c.latency.max)}${c.failures.length ? ` (${c.failures.length} failed: ${c.failures[0]})` : ''}`;
    out.push(
      row(['present', 'seeding s', 'planner restart → resync done ms', 'resync ms', 'periodic resyncs ms', "new change p50 / p95 / max ms, without the poller's targets", 'same, with every key']),
      row(['---:', '---:', '---:', '---:', '---', '---:', '---:']),
    );
    for (const s of r.scale) {
      out.push(
        row([
          s.present.toLocaleString('en'),
          f1(s.seedSeconds),
          f0(s.restartToResyncMs),
          f0(s.resyncMs),
          periodicResyncs(s),
          round(s.changes),
          round(s.changesWithMonitoring),
        ]),
      );
    }
    for (const s of r.scale.filter((x) => (x.configWatchWarnings?.count ?? 0) > 0)) {
      const w = s.configWatchWarnings!;
      out.push('', `At ${s.present.toLocaleString('en')} the planner's /config watch stopped or could not be set up ${w.count} time(s) during the round (${w.first ?? 'no reason logged'}): its incremental resyncs read every config by range until it followed again.`);
    }
    const staged = r.scale.filter((s) => s.changes.stages && s.changesWithMonitoring.stages);
    if (staged.length > 0) {
      out.push('', 'The same new changes by stage (p50 ms), without the poller\'s targets / with every key:', '');
      out.push(row(['present', ...STAGES]), row(['---:', ...STAGES.map(() => '---:')]));
      for (const s of staged) {
        const p50 = (x: Summary | undefined): string => (x && x.n > 0 ? f0(x.p50) : '–');
        out.push(row([s.present.toLocaleString('en'), ...STAGES.map((st) => `${p50(s.changes.stages![st])} / ${p50(s.changesWithMonitoring.stages![st])}`)]));
      }
    }
    const probed = r.scale.filter((s) => s.raw);
    if (probed.length > 0) {
      out.push('', 'The raw step on the same servers right before each round, one at a time (p50 ms), before the poller\'s targets / with every key:', '');
      out.push(row(['present', 'etcd compare-and-put', 'pipeline step']), row(['---:', '---:', '---:']));
      for (const s of probed) {
        const { changes: a, changesWithMonitoring: b } = s.raw!;
        out.push(row([s.present.toLocaleString('en'), `${a.etcdTxnP50.toFixed(2)} / ${b.etcdTxnP50.toFixed(2)}`, `${a.stepP50.toFixed(2)} / ${b.stepP50.toFixed(2)}`]));
      }
    }
    const sampled = r.scale.filter((s) => s.changes.cpuPct && s.changesWithMonitoring.cpuPct);
    if (sampled.length > 0) {
      const names = Object.keys(sampled[0]!.changes.cpuPct!);
      out.push('', 'CPU (% of one core) during each round, before the poller\'s targets / with every key:', '');
      out.push(row(['present', ...names]), row(['---:', ...names.map(() => '---:')]));
      for (const s of sampled) {
        const pct = (x: number | undefined): string => (x === undefined ? '–' : `${f0(x)}`);
        out.push(row([s.present.toLocaleString('en'), ...names.map((n) => `${pct(s.changes.cpuPct![n])} / ${pct(s.changesWithMonitoring.cpuPct![n])}`)]));
      }
    }
    for (const s of r.scale) {
      if (s.pollFailures.count > 0) {
        out.push(
          '',
          `At ${s.present.toLocaleString('en')} resources the monitoring-worker's poller failed ${s.pollFailures.count} poll cycles ` +
            `during the second round (${s.pollFailures.first}): it reads every target in one etcd read, so no /monitoring status is kept current.`,
        );
      }
    }
    for (const s of r.scale) {
      const a = s.apiAfterRestart;
      if (a) {
        out.push(
          '',
          `The api restarted at ${s.present.toLocaleString('en')} resources served ${a.served} of ${a.served + a.failed} creates in the next 10 s` +
            `${a.lastError ? ` (last error: ${a.lastError})` : ''}; it logged ${a.sweepFailures} failed deletion sweeps.`,
        );
      }
    }
    out.push('', 'RSS (MB) per process: highest sampled after the restart / peak since the restart (VmHWM).', '');
    out.push(row(['present', ...procs]), row(['---:', ...procs.map(() => '---:')]));
    for (const s of r.scale) out.push(row([s.present.toLocaleString('en'), ...procs.map((p) => (s.procs[p] ? `${f0(s.procs[p]!.peakRssMb)} / ${f0(s.procs[p]!.hwmMb)}` : '–'))]));
    out.push('');
  }

  if (r.profile) {
    out.push('## CPU profiles (steady state of the chain levels)', '');
    for (const [svc, p] of Object.entries(r.profile)) {
      out.push(`**${svc}** — by package: ${p.packages.slice(0, 8).map((x) => `${x.pkg} ${f0(x.pct)} %`).join(', ')}`, '');
      if (p.concerns) out.push(`by concern (native and Node-internal time counted for the code that called it): ${concernList(p.concerns)}`, '');
      out.push(`hottest functions: ${p.functions.slice(0, 6).map((x) => `\`${x.name}\` (${x.where}) ${f1(x.selfPct)} %`).join(', ')}`, '');
    }
  }
  out.push('## Settings', '', ...Object.entries(r.settings).map(([k, x]) => `- ${k}: ${x}`), '');
  return out.join('\n');
}

/**
 * The periodic resyncs of a scale round: each one's ms, whether it was full, and for an
 * incremental one how it read what changed: a range read (no /config watch followed)
 * costs etcd a read of every config, the watch's record nothing.
 */
function periodicResyncs(s: ScaleStep): string {
  const one = (ms: number, i: number): string => {
    if (s.periodicResyncFull?.[i] !== false) return `${f0(ms)} (full)`;
    const read = s.periodicResyncRead?.[i];
    return `${f0(ms)} (incremental${read ? `, ${read}` : ''})`;
  };
  return s.periodicResyncMs.map(one).join(', ') || '–';
}
