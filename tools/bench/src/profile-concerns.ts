/**
 * A service's CPU profile split by what the time was spent for: gRPC (the etcd client;
 * in the api also its gRPC server), the NATS client, telemetry (spans and their context,
 * logs, metrics), the events' protobuf, the templates and YAML, the service's own code,
 * the garbage collector, and the rest of Node and V8. Native frames, Node's internals (a
 * socket write, a stream) and shared helpers (protobufjs, which etcd3 encodes with)
 * count for the nearest library or workspace code that called them, so a `writeBuffer`
 * under grpc-js is gRPC's and one under the NATS client is NATS's. The shares add up to
 * 100 % of the busy samples.
 */
import { workspacePath, type CpuProfile } from './profile-summary.js';

export const CONCERNS = [
  'gRPC: etcd client, api server',
  'NATS client',
  'telemetry',
  'events protobuf',
  'templates and YAML',
  'own code',
  'garbage collector',
  'Node and V8, other',
] as const;
export type Concern = (typeof CONCERNS)[number];

/** Libraries whose frames do their caller's work, wherever it comes from. */
const SHARED = /^(protobufjs|@protobufjs\/|long|tslib)$/;

const LIBRARIES: [RegExp, Concern][] = [
  [/^(etcd3|@grpc\/grpc-js|@grpc\/proto-loader|@grpc\/reflection|cockatiel)$/, 'gRPC: etcd client, api server'],
  [/^@nats-io\//, 'NATS client'],
  [/^(@opentelemetry\/|@pinojs\/|pino|sonic-boom|thread-stream|prom-client|tdigest|bintrees)/, 'telemetry'],
  [/^@bufbuild\/protobuf$/, 'events protobuf'],
  [/^(yaml|js-yaml|@huggingface\/jinja)$/, 'templates and YAML'],
];

const WORKSPACE: [RegExp, Concern][] = [
  [/^packages\/telemetry\//, 'telemetry'],
  [/^packages\/contracts\/src\/gen\//, 'events protobuf'],
  [/^packages\/(templating|stack-engine)\//, 'templates and YAML'],
  [/^(packages|services|tools)\//, 'own code'],
];

/** "gRPC … 31 %, NATS client 14 %, …", largest first. */
export function concernList(c: Record<Concern, number>): string {
  return [...CONCERNS]
    .sort((a, b) => c[b] - c[a])
    .map((k) => `${k} ${c[k].toFixed(0)} %`)
    .join(', ');
}

/** What one frame's code is for, or undefined when it only carries out its caller's work. */
export function concernOfFrame(url: string, functionName: string): Concern | undefined {
  if (functionName === '(garbage collector)') return 'garbage collector';
  if (functionName === '(program)' || functionName === '(root)') return 'Node and V8, other';
  // Context propagation (AsyncLocalStorage under OpenTelemetry's context manager).
  if (url === 'node:async_hooks' || url.startsWith('node:internal/async_hooks') || url.startsWith('node:internal/async_local_storage')) return 'telemetry';
  if (url.startsWith('node:internal/http2')) return 'gRPC: etcd client, api server';
  if (!url || url.startsWith('node:')) return undefined;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules)/.exec(url)?.[1];
  if (pkg && SHARED.test(pkg)) return undefined;
  if (pkg) return LIBRARIES.find(([re]) => re.test(pkg))?.[1] ?? 'Node and V8, other';
  const rel = workspacePath(url);
  return rel === undefined ? 'Node and V8, other' : (WORKSPACE.find(([re]) => re.test(rel))?.[1] ?? 'own code');
}

/** Share of the busy samples per concern, in percent (samples before `fromMs` left out). */
export function timeByConcern(profile: CpuProfile, fromMs = 0): Record<Concern, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const concernOf = new Map<number, Concern>();
  const resolve = (id: number): Concern => {
    const known = concernOf.get(id);
    if (known) return known;
    const n = byId.get(id)!;
    const own = concernOfFrame(n.callFrame.url, n.callFrame.functionName);
    const up = parent.get(id);
    const c = own ?? (up === undefined ? 'Node and V8, other' : resolve(up));
    concernOf.set(id, c);
    return c;
  };
  const us = Object.fromEntries(CONCERNS.map((c) => [c, 0])) as Record<Concern, number>;
  let busy = 0;
  let at = 0;
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    at += deltas[i] ?? 0;
    if (at < fromMs * 1000) continue;
    const node = byId.get(samples[i]!);
    if (!node || node.callFrame.functionName === '(idle)') continue;
    const d = deltas[i] ?? 0;
    us[resolve(node.id)] += d;
    busy += d;
  }
  for (const c of CONCERNS) us[c] = (100 * us[c]) / Math.max(1, busy);
  return us;
}
