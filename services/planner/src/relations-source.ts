/**
 * The relations table the planner follows: the one the api stored under RELATIONS_KEY
 * (kept current by an etcd watch), or the catalog's until one is stored.
 */
import { SLICES, RELATIONS_KEY } from '@esi/contracts';
import type { Relations } from '@esi/mapping';
import type { OwnedStore } from '@esi/store';
import type { Logger } from '@esi/telemetry';

export class RelationsSource {
  private table: Relations;

  private constructor(
    fallback: Relations,
    private readonly cancel: () => Promise<void>,
  ) {
    this.table = fallback;
  }

  static async start(store: OwnedStore, fallback: Relations, log: Logger): Promise<RelationsSource> {
    const watcher = await store.watch({ key: RELATIONS_KEY }).create();
    const source = new RelationsSource(fallback, () => watcher.cancel());
    const apply = (raw: string, how: string): void => {
      try {
        const stored = SLICES.config.parse(raw);
        if (!stored) throw new Error('not a /config envelope');
        source.table = JSON.parse(stored.body) as Relations;
        log.info({ how, types: Object.keys(source.table).length }, 'relations table in use');
      } catch (err) {
        log.warn({ err }, 'stored relations table does not parse; keeping the previous one');
      }
    };
    watcher.on('put', (kv) => apply(kv.value.toString(), 'changed'));
    const stored = await store.getString(RELATIONS_KEY);
    if (stored) apply(stored.value, 'stored');
    return source;
  }

  get current(): Relations {
    return this.table;
  }

  stop(): Promise<void> {
    return this.cancel();
  }
}
