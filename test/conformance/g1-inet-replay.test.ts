/**
 * Conformance: the whole recorded G1 internet-gateway build (requests 00–18) replayed
 * through the gRPC API with the original G1 catalog and relations table reproduces every
 * recorded job, state and /monitoring value. The recorded devices (10.x management
 * addresses) are the local stack's simulator: the stack maps every device address to it
 * and the simulator learns the interfaces the build names, so no SNMP leaves loopback
 * (`.ci/run` runs this inside a loopback-only network namespace to prove it).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { typeOfPlural } from '@esi/catalog';
import { resourceClient } from '@esi/client';
import { startStack, type Stack } from '@esi/local-stack';
import { DEFAULT_RELEASE_PREFIX, formatReport, replay, type ReplayReport } from '@esi/replay';
import { SHARED_DIR } from '../support/seed-document.js';
import { isKnownExtra, KNOWN_EXTRAS } from './known-extras.js';

const REFERENCE = join(SHARED_DIR, 'reference');
const SCENARIO_DIR = join(REFERENCE, 'scenarios/g1-inet');
let stack: Stack;
let report: ReplayReport;

beforeAll(async () => {
  stack = await startStack({
    env: {
      ESI_CATALOG_DIR: join(REFERENCE, 'templates/g1'),
      ESI_RELATIONS_FILE: join(REFERENCE, 'relations.json'),
      ESI_POLL_INTERVAL_MS: '500',
      // Each simulated stack finishes only when the replay releases it, at the point the
      // recording says its job finished: the jobs pending when a change is planned (and so
      // its dependencies) are those the recording saw, however fast this machine is.
      ESI_HEAT_SIMULATED_RELEASE_PREFIX: DEFAULT_RELEASE_PREFIX,
      ESI_HEAT_SIMULATED_LATENCY_MS: '50',
    },
  });
  const files = readdirSync(SCENARIO_DIR)
    .filter((f) => /^g1-inet__\d\d-.*\.json$/.test(f) && !f.includes('--only-'))
    .sort()
    .map((f) => join(SCENARIO_DIR, f));
  const etcd = new Etcd3({ hosts: stack.etcdEndpoints });
  const client = resourceClient(stack.apiAddr);
  try {
    report = await replay({ client, etcd, files, typeOfPlural, stateTimeoutMs: 30_000 });
  } finally {
    client.close();
    etcd.close();
  }
  console.log(formatReport(report));
}, 240_000);

afterAll(async () => {
  await stack?.stop();
});

describe('replay of the recorded G1 internet-gateway build', () => {
  it('plans every recorded job, identical but for random suffixes', () => {
    expect(report.jobs.expected).toBeGreaterThan(30);
    expect(report.differences.filter((d) => d.includes(' job '))).toEqual([]);
    expect(report.jobs.matched).toBe(report.jobs.expected);
  });

  it('reaches every recorded state with the recorded worker_state, version, error and state_monitoring', () => {
    expect(report.states.expected).toBeGreaterThan(20);
    expect(report.differences.filter((d) => d.includes(' state '))).toEqual([]);
    expect(report.states.matched).toBe(report.states.expected);
  });

  it('writes every recorded /monitoring value (devices and interfaces UP as recorded)', () => {
    expect(report.monitoring.expected).toBeGreaterThan(10);
    expect(report.differences.filter((d) => d.includes(' monitoring ') && !isKnownExtra(d))).toEqual([]);
    expect(report.monitoring.matched).toBe(report.monitoring.expected);
  });

  it('nothing extra or doubled: no job, state, stack or /monitoring value beyond the recording but the known extras', () => {
    const extras = report.differences.filter((d) => d.includes('(extra)') || d.includes('(duplicated)'));
    expect(extras.map((d) => d.replace(/^extra or doubled: /, '')).sort()).toEqual([...KNOWN_EXTRAS].sort());
  });

  it('no request was refused', () => {
    expect(report.differences.filter((d) => d.includes('refused') || d.includes('no resource type'))).toEqual([]);
  });
});
