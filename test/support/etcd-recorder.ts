/** Records every put and delete under a prefix, with its revision, from a given point. */
import { Etcd3 } from 'etcd3';

export interface RecordedEvent {
  type: 'put' | 'delete';
  key: string;
  value: string;
  revision: number;
}

export class EtcdRecorder {
  readonly events: RecordedEvent[] = [];
  private cancel: (() => Promise<void>) | undefined;

  constructor(private readonly client: Etcd3) {}

  async start(prefix = '/'): Promise<void> {
    const w = await this.client.watch().prefix(prefix).create();
    w.on('put', (kv) => this.events.push({ type: 'put', key: kv.key.toString(), value: kv.value.toString(), revision: Number(kv.mod_revision) }));
    w.on('delete', (kv) => this.events.push({ type: 'delete', key: kv.key.toString(), value: '', revision: Number(kv.mod_revision) }));
    this.cancel = () => w.cancel();
  }

  async stop(): Promise<void> {
    await this.cancel?.();
  }

  puts(predicate: (key: string) => boolean): RecordedEvent[] {
    return this.events.filter((e) => e.type === 'put' && predicate(e.key));
  }
}
