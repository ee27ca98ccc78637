/**
 * Follows /state and /monitoring in etcd and reports each resource's progress, so a
 * person running the example build sees every resource settle as it happens.
 */
import { Etcd3 } from 'etcd3';
import { KEY_PREFIX, SLICES, parseResourceKey } from '@esi/contracts';

export interface ProgressEvent {
  kind: 'state' | 'monitoring';
  plural: string;
  id: string;
  value: Record<string, unknown>;
}

export async function watchProgress(client: Etcd3, onEvent: (e: ProgressEvent) => void): Promise<() => Promise<void>> {
  const watchers = await Promise.all(
    (['state', 'monitoring'] as const).map(async (kind) => {
      // /state has collections outside v2.0 (tenants live under common/v1.0).
      const prefix = kind === 'state' ? SLICES.state.prefix : KEY_PREFIX.monitoring;
      const w = await client.watch().prefix(prefix).create();
      w.on('put', (kv) => {
        const key = kv.key.toString();
        const parsed = kind === 'state' ? SLICES.state.resourceOf(key) : parseResourceKey(prefix, key);
        if (!parsed) return;
        try {
          onEvent({ kind, ...parsed, value: JSON.parse(kv.value.toString()) as Record<string, unknown> });
        } catch {
          // A value that is not JSON is not ours to report.
        }
      });
      return w;
    }),
  );
  return async () => {
    await Promise.all(watchers.map((w) => w.cancel()));
  };
}
