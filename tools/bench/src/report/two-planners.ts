/**
 * The report's "Two planners (2 partitions)" section: the peak level run again on a
 * stack with two planners by partition, beside the chain phase's one-planner peak.
 */
import { STAGES } from '../chain/stages.js';
import type { LevelResult } from '../chain/levels.js';
import { SECOND_PLANNER, type TwoPlannersResult } from '../chain/two-planners.js';
import { MACHINE } from '../proc-stats.js';
import { cpuMsPerResource } from './per-resource.js';
import type { Summary } from '../stats.js';

const f0 = (x: number): string => (Number.isFinite(x) ? x.toFixed(0) : '–');
const f1 = (x: number): string => (Number.isFinite(x) ? x.toFixed(1) : '–');
const f2 = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : '–');
const lat = (s: Summary): string => `${f0(s.p50)} / ${f0(s.p95)} / ${f0(s.p99)}`;
const row = (cells: (string | number)[]): string => `| ${cells.join(' | ')} |`;
const PROCS = ['api', 'planner', SECOND_PLANNER, 'heat-worker', 'monitoring-worker', 'state-aggregator', 'nats-server', 'etcd', 'bench driver'];

const othersPct = (procs: LevelResult['procs']): number => {
  const ours = Object.entries(procs)
    .filter(([n]) => n !== MACHINE)
    .reduce((a, [, u]) => a + u.cpuPct, 0);
  return Math.max(0, (procs[MACHINE]?.cpuPct ?? Number.NaN) - ours);
};

/** The warm-up the level came after: as many builds as the one-planner stack's before its peak (older files: seconds at 4 in flight). */
function warmupSaid(tp: TwoPlannersResult): string {
  if (tp.warmupBuilds === undefined) return `${f0(tp.warmupSeconds)} s at 4 builds in flight`;
  const short = tp.warmupBuildsWanted !== undefined && tp.warmupBuilds < tp.warmupBuildsWanted;
  return (
    `a warm-up of ${tp.warmupBuilds} builds at ${tp.warmupInFlight ?? '?'} in flight (${f0(tp.warmupSeconds)} s), ` +
    (short
      ? `fewer than the ${tp.warmupBuildsWanted} the one-planner stack had settled before its peak level: its time ran out, so this stack's services are less warm`
      : `as many as the one-planner stack had settled before its peak level, so both stacks' services had run as much work when measured`)
  );
}

export function twoPlannersLines(tp: TwoPlannersResult, onePlannerPeak: LevelResult, throughputLimit: number, cores: number): string[] {
  const out: string[] = ['## Two planners (2 partitions)', ''];
  const held = (n: string): string => (tp.held[n] ? `[${tp.held[n].join(', ')}]` : 'nothing');
  out.push(
    `The peak level (${onePlannerPeak.label}) again, on a fresh stack whose planner runs as two processes, each planning its own ` +
      `partition of ${tp.partitions} (\`ESI_PLANNER_PARTITIONS=${tp.partitions}\`; \`ESI_PLANNER_PREFERRED=0\` for planner, \`1\` for ` +
      `${SECOND_PLANNER}, a second instance whose log is logs/planner-1.log). ` +
      (tp.level
        ? `Measured once both had logged "partition planning started" (planner held ${held('planner')}, ${SECOND_PLANNER} ${held(SECOND_PLANNER)}` +
          `${tp.heldAfterMs === undefined ? '' : `, ${f1(tp.heldAfterMs / 1000)} s after ${SECOND_PLANNER} was started`}) and after ` +
          `${warmupSaid(tp)}. `
        : '') +
      'Reported, not a target; the one-planner row is the chain\'s peak level above (on the first stack, after its other levels).',
    '',
  );
  const two = tp.level;
  if (!two) {
    out.push(`Not measured: ${tp.error ?? 'no result'}.`, '');
    return out;
  }
  const levels: [string, LevelResult][] = [
    ['one', onePlannerPeak],
    [`two (${tp.partitions} partitions)`, two],
  ];
  out.push(
    row(['planners', 'resources', 'throughput /s', '÷ limit', 'p50 / p95 / p99 ms', 'port p50', 'logical port p50', `machine CPU (of ${cores * 100} %)`, 'of it others', 'failures']),
    row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']),
  );
  for (const [who, l] of levels) {
    out.push(
      row([
        who,
        l.resources,
        f1(l.throughput),
        f2(l.throughput / throughputLimit),
        lat(l.latency),
        f0(l.latencyByType.port?.p50 ?? Number.NaN),
        f0(l.latencyByType.ese_logical_port?.p50 ?? Number.NaN),
        `${f0(l.procs[MACHINE]?.cpuPct ?? Number.NaN)} %`,
        `${f0(othersPct(l.procs))} %`,
        `${l.failures}${l.firstFailure ? ` (${l.firstFailure})` : ''}`,
      ]),
    );
  }
  out.push('', 'Stages (p50 ms):', '', row(['planners', ...STAGES]), row(['---', ...STAGES.map(() => '---:')]));
  for (const [who, l] of levels) out.push(row([who, ...STAGES.map((s) => f0(l.stages[s]?.p50 ?? Number.NaN))]));
  out.push('', `CPU per process: % of one core / peak RSS (MB), then CPU ms per resource (${SECOND_PLANNER} is the second planner):`, '');
  out.push(row(['planners', ...PROCS]), row(['---', ...PROCS.map(() => '---:')]));
  for (const [who, l] of levels) out.push(row([`${who}: % / MB`, ...PROCS.map((p) => (l.procs[p] ? `${f0(l.procs[p]!.cpuPct)} % / ${f0(l.procs[p]!.peakRssMb)}` : '–'))]));
  for (const [who, l] of levels) {
    out.push(row([`${who}: ms per resource`, ...PROCS.map((p) => (l.procs[p] ? f1(cpuMsPerResource(l, (n) => n === p)) : '–'))]));
  }
  const planners = (n: string): boolean => n === 'planner' || n === SECOND_PLANNER;
  out.push(
    '',
    `The planners together: ${f1(cpuMsPerResource(two, planners))} ms of CPU per resource (one planner: ${f1(cpuMsPerResource(onePlannerPeak, planners))}); ` +
      `all processes: ${f1(cpuMsPerResource(two))} ms (one planner: ${f1(cpuMsPerResource(onePlannerPeak))}).`,
    '',
  );
  if (two.replansPerResource) out.push(replansSentence(two.replansPerResource, onePlannerPeak.replansPerResource), '');
  return out;
}

/** Rare events stay visible: 0.005, not 0.00. */
const share = (x: number): string => (x < 0.1 ? x.toFixed(3) : x.toFixed(2));

const REASONS: Record<string, string> = {
  waits_for_partition: 'put off to wait for the other partition’s plan of a resource it references',
  partition_conflict: 'refused because the other partition stored jobs it had to see, and planned again',
  runs_alone: 'run again alone to plan a never-planned resource first',
  dependencies_claimed: 'computed again because a plan beside it claimed jobs it waits for',
  stale_copy: 'planned again from reads because a kept copy was stale',
  held_dependency_dropped: 'planned again because a plan it waited for was',
};

/** Changes planned again or put off, per resource, from the planners' counters (esi_planner_replans_total). */
export function replansSentence(two: Record<string, Record<string, number>>, one: Record<string, Record<string, number>> | undefined): string {
  const said = (per: Record<string, Record<string, number>>): string => {
    const parts = Object.entries(per)
      .filter(([service]) => service === 'planner' || service === SECOND_PLANNER)
      .sort(([a], [b]) => a.localeCompare(b))
      .flatMap(([service, reasons]) => Object.entries(reasons).map(([reason, n]) => `${service}: ${share(n)} a resource ${REASONS[reason] ?? reason}`));
    return parts.length ? parts.join('; ') : 'none';
  };
  return `Changes planned again or put off, per resource (the planners' \`esi_planner_replans_total\`): ${said(two)}${one ? `; with one planner: ${said(one)}` : ''}.`;
}
