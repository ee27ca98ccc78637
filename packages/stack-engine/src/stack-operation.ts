import type { HeatOutput } from '@esi/contracts';
import type { Deadline } from './deadline.js';
import {
  errorMessage,
  errorName,
  IntrinsicError,
  isRetryable,
  ReplacementRequired,
  StackStoreError,
  StackTimeoutError,
  TemplateError,
} from './errors.js';
import { deepEqual, isPlainObject } from './heat-text.js';
import type { ResourceDefinition } from './hot-parser.js';
import { resolveIntrinsics } from './intrinsics.js';
import type { ProviderRegistry } from './providers/registry.js';
import type { ProviderContext, ResourceProvider, ResourceState } from './providers/types.js';
import type { ScheduleFailure } from './scheduler.js';
import { stackScope } from './stack-scope.js';
import type { StackAction, StackStatus, StackStore, StoredResource, StoredStack } from './store.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * The working state of one create/update/delete: the resources as they change, the
 * provider calls (raced against the deadline) and the writes to the store. One write is
 * in flight at a time and it stores the latest state, so a later snapshot never lands
 * before an earlier one, and saves made while a write is in flight share the next one.
 * A resource's progress is saved without waiting (the next resource need not wait for
 * an fsync); the operation's outcome is saved and waited for, and with it everything.
 */
export class StackOperation {
  private readonly stack: Mutable<StoredStack>;
  private readonly resources = new Map<string, StoredResource>();
  private order: string[];
  /** Saves asked for, and the last of them stored. */
  private asked = 0;
  private stored = 0;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly store: StackStore,
    private readonly providers: ProviderRegistry,
    private readonly deadline: Deadline,
    readonly action: StackAction,
    initial: StoredStack,
    private readonly now: () => Date,
  ) {
    this.stack = { ...initial };
    for (const resource of initial.resources) this.resources.set(resource.name, resource);
    this.order = initial.resources.map((r) => r.name);
  }

  get id(): string {
    return this.stack.id;
  }

  has(name: string): boolean {
    return this.resources.has(name);
  }

  names(): string[] {
    return [...this.resources.keys()];
  }

  /** Keep resources listed in template order (those about to go stay at the end). */
  setOrder(templateOrder: readonly string[]): void {
    this.order = [...templateOrder, ...this.order.filter((n) => !templateOrder.includes(n))];
  }

  /** Write the current state; resolves once it (or a later state) is stored. */
  async save(patch: Partial<Mutable<StoredStack>> = {}): Promise<void> {
    this.change(patch);
    await this.flushed();
  }

  /**
   * The operation's first save, made only when no stack is stored under its name: false,
   * with nothing written, when one is. A create that expects no stack there (a create
   * job's first delivery) claims the name with its first write instead of reading first.
   */
  async claim(): Promise<boolean> {
    this.change();
    const upTo = this.asked;
    const snapshot = this.snapshot();
    let claimed: boolean;
    try {
      claimed = await this.store.putIfAbsent(snapshot);
    } catch (cause) {
      throw new StackStoreError(`Could not store stack ${snapshot.name}: ${errorMessage(cause)}`, { cause });
    }
    if (claimed) this.stored = Math.max(this.stored, upTo);
    return claimed;
  }

  /** Resolves once every save asked for so far is stored (before the record is deleted). */
  async flushed(): Promise<void> {
    const upTo = this.asked;
    while (this.stored < upTo) {
      this.flushing ??= this.flush().finally(() => (this.flushing = undefined));
      await this.flushing;
    }
  }

  /**
   * Progress saved in passing, a moment later: when the operation ends right after (its
   * last resource), the outcome's save carries this progress too and one write is spared.
   * A failed write here is repeated by the next save.
   */
  private saveInPassing(): void {
    this.change();
    setImmediate(() => void this.flushed().catch(() => undefined));
  }

  /** Applies a change to the state and asks for it to be stored. */
  private change(patch: Partial<Mutable<StoredStack>> = {}): void {
    Object.assign(this.stack, patch, { updatedAt: this.now().toISOString() });
    this.asked++;
  }

  private async flush(): Promise<void> {
    const upTo = this.asked;
    const snapshot = this.snapshot();
    try {
      await this.store.put(snapshot);
    } catch (cause) {
      throw new StackStoreError(`Could not store stack ${snapshot.name}: ${errorMessage(cause)}`, { cause });
    }
    this.stored = Math.max(this.stored, upTo);
  }

  /**
   * The state as it stands. Its parts are shared, not copied: the operation replaces a
   * resource or a field whole and never changes one in place, a StackStore copies or
   * serialises what it is given before its put returns, and results are only read.
   */
  snapshot(): StoredStack {
    const listed = this.order.filter((n) => this.resources.has(n));
    const rest = [...this.resources.keys()].filter((n) => !listed.includes(n));
    return {
      ...this.stack,
      resources: [...listed, ...rest].map((n) => this.resources.get(n)!),
    };
  }

  outputs(evaluate: (scope: ReturnType<typeof stackScope>) => HeatOutput[]): HeatOutput[] {
    return evaluate(stackScope(this.stack.params, this.resources, this.providers));
  }

  /** Resolve a resource's properties against parameters and the resources made so far. */
  resolveProperties(definition: ResourceDefinition, params: Readonly<Record<string, unknown>>): Record<string, unknown> {
    const resolved = resolveIntrinsics(definition.properties, stackScope(params, this.resources, this.providers));
    if (!isPlainObject(resolved)) throw new IntrinsicError(`resources.${definition.name}: properties must be a mapping`);
    return resolved;
  }

  async create(definition: ResourceDefinition, properties: Record<string, unknown>): Promise<void> {
    const provider = this.provider(definition.type);
    this.put({
      name: definition.name,
      type: definition.type,
      physicalId: '',
      status: 'CREATE_IN_PROGRESS',
      reason: '',
      properties,
      attributes: {},
    });
    let state: ResourceState;
    try {
      state = await this.deadline.race(provider.create(properties, this.context(definition.name)), definition.name);
    } catch (error) {
      this.markFailed(definition.name, 'CREATE', error);
      throw error;
    }
    this.put({
      name: definition.name,
      type: definition.type,
      physicalId: state.physicalId,
      status: 'CREATE_COMPLETE',
      reason: 'state changed',
      properties,
      attributes: state.attributes,
    });
    this.saveInPassing();
  }

  /**
   * Bring an existing resource to `definition`: nothing when it is unchanged, an
   * in-place update when the provider can, otherwise delete-then-create. Deleting first
   * (unlike Heat's create-first replacement) because Contrail objects here carry fixed
   * uuids and names that two live copies could not share.
   */
  async converge(definition: ResourceDefinition, properties: Record<string, unknown>): Promise<void> {
    const old = this.resources.get(definition.name);
    if (old === undefined || old.physicalId === '') return this.create(definition, properties);
    const settled = old.status.endsWith('_COMPLETE');
    if (old.type === definition.type && settled && deepEqual(old.properties, properties)) return;
    const provider = this.provider(definition.type);
    if (old.type === definition.type && provider.update) {
      try {
        const state = await this.deadline.race(provider.update(old, properties, this.context(definition.name)), definition.name);
        this.put({ ...old, physicalId: state.physicalId, status: 'UPDATE_COMPLETE', reason: 'state changed', properties, attributes: state.attributes });
        this.saveInPassing();
        return;
      } catch (error) {
        if (!(error instanceof ReplacementRequired)) {
          this.markFailed(definition.name, 'UPDATE', error);
          throw error;
        }
      }
    }
    await this.remove(definition.name);
    await this.create(definition, properties);
  }

  /** Delete a resource through its provider (unless `retain`) and forget it. */
  async remove(name: string, retain = false): Promise<void> {
    const resource = this.resources.get(name);
    if (resource === undefined) return;
    const provider = this.provider(resource.type);
    if (!retain && resource.physicalId !== '' && provider.delete) {
      this.put({ ...resource, status: 'DELETE_IN_PROGRESS', reason: '' });
      try {
        await this.deadline.race(provider.delete(resource, this.context(name)), name);
      } catch (error) {
        this.put({ ...resource, status: 'DELETE_FAILED', reason: errorMessage(error) });
        throw error;
      }
    }
    this.resources.delete(name);
    this.saveInPassing();
  }

  /** Record the stack as failed, with a reason that names the resource and the cause. */
  async fail(failure: ScheduleFailure): Promise<StoredStack> {
    const { name, error } = failure;
    const reason =
      error instanceof StackTimeoutError
        ? error.message
        : `Resource ${this.action} failed: ${errorName(error)}: resources.${name}: ${errorMessage(error)}`;
    await this.save({
      status: `${this.action}_FAILED`,
      reason,
      outputs: [],
      failure: {
        resource: name,
        error: errorMessage(error),
        retryable: isRetryable(error),
        ...(error instanceof StackTimeoutError ? { timedOut: true as const } : {}),
      },
    });
    return this.snapshot();
  }

  async complete(status: StackStatus, reason: string, outputs: HeatOutput[]): Promise<StoredStack> {
    delete this.stack.failure;
    await this.save({ status, reason, outputs });
    return this.snapshot();
  }

  private put(resource: StoredResource): void {
    this.resources.set(resource.name, resource);
  }

  private markFailed(name: string, action: StackAction, error: unknown): void {
    const current = this.resources.get(name);
    if (current) this.put({ ...current, status: `${action}_FAILED`, reason: errorMessage(error) });
  }

  private provider(type: string): ResourceProvider {
    const provider = this.providers.get(type);
    if (!provider) throw new TemplateError(`The Resource Type (${type}) could not be found.`);
    return provider;
  }

  private context(resourceName: string): ProviderContext {
    return { stackName: this.stack.name, stackId: this.stack.id, resourceName, tags: this.stack.tags ?? [], signal: this.deadline.signal };
  }
}
