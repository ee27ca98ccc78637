/**
 * Raw limit 1: etcd compare-and-put transactions per second from Node (the etcd3
 * client the services use), each worker on its own key, comparing the key's mod
 * revision as the services' CAS writes do. Values are 1 KiB, about a job record.
 */
import type { Etcd3 } from 'etcd3';
import { closedLoop, type RateResult } from './rate-result.js';

export const RAW_VALUE = 'x'.repeat(1024);

export async function measureEtcdTxn(client: Etcd3, concurrency: number, durationMs: number, prefix: string): Promise<RateResult> {
  const revs = await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => (await client.put(`${prefix}${w}`).value(RAW_VALUE).exec()).header.revision),
  );
  const result = await closedLoop(concurrency, durationMs, 200_000, async (w) => {
    const key = `${prefix}${w}`;
    const res = await client.if(key, 'Mod', '==', Number(revs[w])).then(client.put(key).value(RAW_VALUE)).commit();
    if (!res.succeeded) throw new Error(`compare-and-put on ${key} lost its revision`);
    revs[w] = res.header.revision;
  });
  await client.delete().prefix(prefix).exec();
  return result;
}
