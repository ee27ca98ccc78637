/**
 * Clusters: a three-node NATS cluster (JetStream streams replicated 3 times) and a
 * three-member etcd cluster on loopback; one node of each is killed during a 304-resource
 * run. Services reconnect to the surviving nodes without being restarted, and the
 * outcome is the same: nothing lost, nothing doubled.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startEtcdCluster, startNatsCluster, type Cluster } from '@esi/test-servers';
import { startStack, type Stack } from '@esi/local-stack';
import { faultBuild } from '../support/fault-build.js';
import { FAST_RECOVERY_ENV, runFaultScenario } from '../support/fault-run.js';

let stack: Stack | undefined;
let nats: Cluster | undefined;
let etcd: Cluster | undefined;

afterAll(async () => {
  await stack?.stop();
  await nats?.stop();
  await etcd?.stop();
});

describe('clusters', () => {
  it('one NATS node and one etcd member killed during a run: nothing lost, nothing doubled', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'esi-cluster-'));
    [nats, etcd] = await Promise.all([startNatsCluster(join(dir, 'nats')), startEtcdCluster(join(dir, 'etcd'))]);
    stack = await startStack({
      dataDir: dir,
      natsUrl: nats.urls,
      etcdEndpoints: etcd.urls,
      supervise: true,
      deviceSimulator: false,
      // A lease long enough for the planner's keepalive to fail over to a live etcd member.
      env: { ...FAST_RECOVERY_ENV, ESI_STREAM_REPLICAS: '3', ESI_PLANNER_LEASE_TTL_S: '10' },
    });
    const s = stack;
    const killed: string[] = [];
    const figures = await runFaultScenario(s, faultBuild(Number(process.env.ESI_CLUSTER_GROUPS ?? 38)), async () => {
      await new Promise((r) => setTimeout(r, 3000));
      await nats!.nodes[0]!.process.stop('SIGKILL');
      killed.push('nats-0');
      await new Promise((r) => setTimeout(r, 3000));
      await etcd!.nodes[0]!.process.stop('SIGKILL');
      killed.push('etcd-0');
      return Date.now();
    });
    console.log(`clusters figures: ${JSON.stringify({ ...figures, killed, supervisorRestarts: s.supervisorRestarts() })}`);

    expect(killed).toEqual(['nats-0', 'etcd-0']);
    expect(figures.lost).toEqual([]);
    expect(figures.duplicateStacks).toBe(0);
    expect(figures.plannedTwice).toBe(0);
    expect(figures.stacks).toBe(figures.resources);
    expect(s.supervisorRestarts(), 'services reconnected without being restarted').toBe(0);
  }, 300_000);
});
