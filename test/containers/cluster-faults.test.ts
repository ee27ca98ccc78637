/**
 * Clusters in containers (testcontainers: three nats-server nodes with JetStream
 * streams replicated 3 times, three etcd members, each cluster on a network of its own)
 * under faults a process kill cannot show, during one run of a fault build: a NATS node
 * frozen (docker pause) while an etcd member is cut off (taken off its network); both
 * brought back; then another node of each stopped (docker stop) to the end. At most one
 * node of each cluster is out at a time, so both keep a quorum. Services reconnect by
 * themselves, and the outcome is the same: nothing lost, nothing doubled.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '@esi/local-stack';
import { dockerReady } from '../support/docker-env.js';
import { faultBuild } from '../support/fault-build.js';
import { FAST_RECOVERY_ENV, runFaultScenario } from '../support/fault-run.js';
import { startEtcdClusterContainers, startNatsClusterContainers, type ContainerCluster } from '../support/containers/infra-containers.js';

const ready = dockerReady();
let stack: Stack | undefined;
let nats: ContainerCluster | undefined;
let etcd: ContainerCluster | undefined;

afterAll(async () => {
  await stack?.stop();
  await nats?.stop();
  await etcd?.stop();
});

function logTail(dataDir: string, service: string, lines = 15): string {
  try {
    return readFileSync(join(dataDir, 'logs', `${service}.log`), 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch (err) {
    return `(no log: ${(err as Error).message})`;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!ready)('clusters in containers', () => {
  it('a NATS node paused and an etcd member cut off, then one of each stopped, during a run: nothing lost, nothing doubled', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'esi-tc-cluster-'));
    const t0 = Date.now();
    const exits: { name: string; exit: string; at: number }[] = [];
    [nats, etcd] = await Promise.all([startNatsClusterContainers(), startEtcdClusterContainers()]);
    const clustersMs = Date.now() - t0;
    stack = await startStack({
      dataDir: dir,
      natsUrl: nats.urls,
      etcdEndpoints: etcd.urls,
      supervise: true,
      onRestart: (name, _attempt, _delayMs, exit) => exits.push({ name, exit, at: Date.now() - t0 }),
      deviceSimulator: false,
      // A lease long enough for the planner's keepalive to fail over to a live etcd member.
      env: { ...FAST_RECOVERY_ENV, ESI_STREAM_REPLICAS: '3', ESI_PLANNER_LEASE_TTL_S: '10' },
    });
    const s = stack;
    const faults: string[] = [];
    const [n0, n1] = [nats.nodes[0]!, nats.nodes[1]!];
    const [e0, e1] = [etcd.nodes[0]!, etcd.nodes[1]!];
    const figures = await runFaultScenario(s, faultBuild(Number(process.env.ESI_CONTAINER_CLUSTER_GROUPS ?? 12)), async () => {
      await sleep(2000);
      await n0.pause();
      faults.push(`${n0.name} paused`);
      await e0.disconnect();
      faults.push(`${e0.name} cut off`);
      await sleep(6000);
      await n0.unpause();
      faults.push(`${n0.name} unpaused`);
      await e0.reconnect();
      faults.push(`${e0.name} reconnected`);
      // Give the cluster time to take the nodes back before the next one goes.
      await sleep(5000);
      await n1.stop();
      faults.push(`${n1.name} stopped`);
      await e1.stop();
      faults.push(`${e1.name} stopped`);
      return Date.now();
    }, 240_000);
    console.log(`container clusters: healthy in ${clustersMs} ms; figures ${JSON.stringify({ ...figures, faults, supervisorRestarts: s.supervisorRestarts() })}`);

    expect(faults).toEqual(['nats-0 paused', 'etcd-0 cut off', 'nats-0 unpaused', 'etcd-0 reconnected', 'nats-1 stopped', 'etcd-1 stopped']);
    expect(figures.lost).toEqual([]);
    expect(figures.duplicateStacks).toBe(0);
    expect(figures.plannedTwice).toBe(0);
    expect(figures.stacks).toBe(figures.resources);
    // A service that exited instead of reconnecting: say which, when, and what it said last.
    const why = exits.map((e) => `${e.name} exited (${e.exit}) at ${e.at} ms; its log ends:\n${logTail(dir, e.name)}`).join('\n');
    expect(s.supervisorRestarts(), `services reconnected without being restarted\n${why}`).toBe(0);
  }, 420_000);
});
