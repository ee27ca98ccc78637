/**
 * The concern split of a CPU profile: native frames and Node's internals count for the
 * library or workspace code above them, shared helpers for their caller, and the shares
 * add up to 100 % of the busy samples.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CONCERNS, timeByConcern } from './profile-concerns.js';
import { readProfile } from './profile-summary.js';

const inCheckout = (path: string): string => new URL(`../../../${path}`, import.meta.url).href;
const lib = (pkg: string): string => `file:///srv/app/node_modules/.pnpm/${pkg.replace('/', '+')}@1.0.0/node_modules/${pkg}/lib/index.js`;

interface Frame {
  fn: string;
  url: string;
  under?: number;
}

/** A profile whose leaves each get one 1 ms sample per `weight`. */
function profileOf(frames: Frame[], weights: Map<number, number>): string {
  const nodes = [{ id: 1, callFrame: { functionName: '(root)', url: '' }, children: [] as number[] }];
  for (const [i, f] of frames.entries()) {
    const id = i + 2;
    nodes.push({ id, callFrame: { functionName: f.fn, url: f.url }, children: [] });
    nodes[(f.under ?? 1) - 1]!.children.push(id);
  }
  const samples: number[] = [];
  for (const [id, n] of weights) for (let k = 0; k < n; k++) samples.push(id);
  return JSON.stringify({ nodes, startTime: 0, endTime: samples.length * 1000, samples, timeDeltas: samples.map(() => 1000) });
}

describe('timeByConcern', () => {
  const dir = mkdtempSync(join(tmpdir(), 'esi-concerns-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('counts native and internal frames for the code that called them', () => {
    const frames: Frame[] = [
      /* 2 */ { fn: 'handle', url: inCheckout('services/planner/src/handle.ts') },
      /* 3 */ { fn: 'exec', url: lib('etcd3'), under: 2 },
      /* 4 */ { fn: 'write', url: 'node:internal/stream_base_commons', under: 3 },
      /* 5 */ { fn: 'writeBuffer', url: '', under: 4 },
      /* 6 */ { fn: 'publish', url: lib('@nats-io/nats-core'), under: 2 },
      /* 7 */ { fn: 'writeBuffer', url: '', under: 6 },
      /* 8 */ { fn: 'encode', url: lib('protobufjs'), under: 3 },
      /* 9 */ { fn: 'startSpan', url: lib('@opentelemetry/sdk-trace'), under: 2 },
      /* 10 */ { fn: 'encode', url: inCheckout('packages/contracts/src/gen/esi/events/v1/events.ts'), under: 2 },
      /* 11 */ { fn: '(garbage collector)', url: '' },
      /* 12 */ { fn: '(idle)', url: '' },
      /* 13 */ { fn: 'render', url: lib('@huggingface/jinja'), under: 2 },
      /* 14 */ { fn: 'sortKeys', url: inCheckout('packages/contracts/src/go-json.ts'), under: 2 },
    ];
    const file = join(dir, 'a.cpuprofile');
    writeFileSync(file, profileOf(frames, new Map([[5, 30], [7, 20], [8, 10], [9, 10], [10, 5], [11, 5], [12, 100], [13, 10], [14, 10]])));
    const c = timeByConcern(readProfile(file));
    // 100 busy samples; the idle ones do not count.
    expect(c['gRPC: etcd client, api server']).toBeCloseTo(40); // the etcd3 write and protobufjs under it
    expect(c['NATS client']).toBeCloseTo(20);
    expect(c.telemetry).toBeCloseTo(10);
    expect(c['events protobuf']).toBeCloseTo(5);
    expect(c['garbage collector']).toBeCloseTo(5);
    expect(c['templates and YAML']).toBeCloseTo(10);
    expect(c['own code']).toBeCloseTo(10);
    expect(CONCERNS.reduce((a, k) => a + c[k], 0)).toBeCloseTo(100);
  });

  it('leaves out the samples before fromMs', () => {
    const frames: Frame[] = [{ fn: 'startUp', url: inCheckout('services/api/src/main.ts') }, { fn: 'consume', url: lib('@nats-io/jetstream') }];
    const file = join(dir, 'b.cpuprofile');
    // 10 samples of start-up (id 2), then 10 of NATS (id 3), taken at 1, 2, … 20 ms.
    const p = JSON.parse(profileOf(frames, new Map([[2, 10], [3, 10]]))) as { samples: number[] };
    expect(p.samples.slice(0, 10).every((s) => s === 2)).toBe(true);
    writeFileSync(file, JSON.stringify(p));
    expect(timeByConcern(readProfile(file), 10.5)['NATS client']).toBeCloseTo(100);
    expect(timeByConcern(readProfile(file))['NATS client']).toBeCloseTo(50);
  });
});
