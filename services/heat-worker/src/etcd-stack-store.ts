/** The embedded engine's stacks, kept in the heat-worker's own slice of etcd. */
import { heatEngineStackKey } from '@esi/contracts';
import type { StackStore, StoredStack } from '@esi/stack-engine';
import type { OwnedStore } from '@esi/store';

export class EtcdStackStore implements StackStore {
  constructor(private readonly store: OwnedStore) {}

  async get(name: string): Promise<StoredStack | undefined> {
    return (await this.store.getJson<StoredStack>(heatEngineStackKey(name)))?.value;
  }

  async put(stack: StoredStack): Promise<void> {
    await this.store.putJson(heatEngineStackKey(stack.name), stack);
  }

  async delete(name: string): Promise<void> {
    await this.store.delete(heatEngineStackKey(name));
  }
}
