/**
 * The main job of `pnpm start`: submits the example internet-gateway build through the
 * api and reports each resource's progress (its /state and /monitoring in etcd) until
 * every one has settled, or the deadline passes, or the stack is stopping.
 */
import { Etcd3 } from 'etcd3';
import { loadExampleBuild } from '@esi/catalog';
import { resourceClient, submitBuild } from '@esi/client';
import { watchProgress } from './progress.js';

export interface ExampleBuildOptions {
  apiAddr: string;
  etcdEndpoints: string;
  say: (line: string) => void;
  /** True once the user asked to stop: the wait ends early. */
  stopping: () => boolean;
  timeoutMs?: number;
}

/** Returns how many resources did not settle (0 on success). */
export async function runExampleBuild({ apiAddr, etcdEndpoints, say, stopping, timeoutMs = 120_000 }: ExampleBuildOptions): Promise<number> {
  const etcd = new Etcd3({ hosts: etcdEndpoints.split(',') });
  const client = resourceClient(apiAddr);
  const started = Date.now();
  const names = new Map<string, string>();
  const settled = new Set<string>();
  const unwatch = await watchProgress(etcd, (e) => {
    const label = names.get(e.id) ?? `${e.plural}/${e.id}`;
    const t = ((Date.now() - started) / 1000).toFixed(1);
    if (e.kind === 'state') {
      const ws = (e.value.state as Record<string, string> | undefined)?.worker_state;
      const err = e.value.error ? ` error: ${String(e.value.error)}` : '';
      say(`+${t}s ${label}: ${ws} (version ${String(e.value.version)})${err}`);
      settled.add(e.id);
    } else {
      const { version, ...status } = e.value;
      say(`+${t}s ${label}: monitoring ${JSON.stringify(status)} (version ${String(version)})`);
    }
  });
  const build = loadExampleBuild('internet-gateway');
  say(`example build: ${build.length} resources (internet gateway → gw_interface, its ports and logical ports)`);
  const submitted = await submitBuild(client, build, (r) => {
    names.set(r.id, `${r.type} ${r.ref} (${r.id.slice(0, 8)})`);
    say(`submitted ${r.type} ${r.ref} ${r.id}`);
  });
  const deadline = Date.now() + timeoutMs;
  while (submitted.some((r) => !settled.has(r.id)) && Date.now() < deadline && !stopping()) {
    await new Promise((r) => setTimeout(r, 250));
  }
  const missing = submitted.filter((r) => !settled.has(r.id));
  if (missing.length === 0) say(`example build complete: ${submitted.length} resources settled in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  else say(`example build: ${missing.length} resources not settled yet: ${missing.map((m) => m.ref).join(', ')}`);
  // The progress lines keep coming while the stack serves (monitoring keeps polling), so
  // the watch stays open; the client is no longer needed.
  client.close();
  void unwatch;
  return missing.length;
}
