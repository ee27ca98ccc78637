/** The embedded engine's stacks, kept in the heat-worker's own slice of etcd. */
import { heatEngineStackKey } from '@esi/contracts';
import type { StackStore, StoredStack } from '@esi/stack-engine';
import { faultPoint } from '@esi/service-runtime';
import type { OwnedStore } from '@esi/store';

export class EtcdStackStore implements StackStore {
  constructor(private readonly store: OwnedStore) {}

  async get(name: string): Promise<StoredStack | undefined> {
    return (await this.store.getJson<StoredStack>(heatEngineStackKey(name)))?.value;
  }

  async put(stack: StoredStack): Promise<void> {
    await this.store.putJson(heatEngineStackKey(stack.name), stack);
    // The engine stores an operation's progress after each resource: a test-only fault
    // aimed here dies with the stack half made (or half removed), to be resumed.
    if (stack.status.endsWith('_IN_PROGRESS')) faultPoint('mid-stack', stack.status.split('_')[0]!.toLowerCase());
  }

  async delete(name: string): Promise<void> {
    await this.store.delete(heatEngineStackKey(name));
  }
}
