import type { HeatOutput } from '@esi/contracts';

export type StackAction = 'CREATE' | 'UPDATE' | 'DELETE';
export type StackStatus = `${StackAction}_${'IN_PROGRESS' | 'COMPLETE' | 'FAILED'}`;
export type ResourceStatus = StackStatus;

export interface StoredResource {
  /** The logical name in the template. */
  readonly name: string;
  readonly type: string;
  /** '' when the backend never confirmed the resource (its create failed or was cut off). */
  readonly physicalId: string;
  readonly status: ResourceStatus;
  readonly reason: string;
  /** Properties after intrinsic functions, as last sent to the provider. */
  readonly properties: Record<string, unknown>;
  readonly attributes: Record<string, unknown>;
}

export interface StackFailure {
  /** The resource whose action failed, when one did. */
  readonly resource?: string;
  readonly error: string;
  /** Whether repeating the operation could succeed (timeouts, transient backend errors). */
  readonly retryable: boolean;
  /**
   * Set when the operation ran out of time. A caller may treat this as final even though
   * `retryable` is true: the stack's own time limit (heat_timeout) has been honoured.
   */
  readonly timedOut?: true;
}

/** What every stack operation returns: the state of the stack once it settled. */
export interface StackResult {
  readonly name: string;
  /** A uuid like Heat's stack id; stays the same across updates ('' if there never was a stack). */
  readonly id: string;
  readonly status: StackStatus;
  /** Heat's status_reason, e.g. "Stack CREATE completed successfully". */
  readonly reason: string;
  /** In template order. */
  readonly resources: StoredResource[];
  /** In template order; empty unless the last operation completed. */
  readonly outputs: HeatOutput[];
  readonly failure?: StackFailure;
}

/** Everything the engine needs to resume, update or delete a stack; JSON-serialisable. */
export interface StoredStack extends StackResult {
  /** The rendered HOT text the stack currently follows. */
  readonly template: string;
  /** The parameters as the caller gave them. */
  readonly params: Record<string, unknown>;
  readonly timeoutMins: number;
  /**
   * Free-form labels, like Heat's stack tags: set by create, replaced by an update that
   * gives some. The heat-worker marks which job last acted on the stack with them.
   */
  readonly tags?: readonly string[];
  /**
   * The operations of each kind the engine started on this stack, written with the
   * operation's first save; resuming an interrupted one does not count. Kept by the
   * engine, not its caller, so tests can count stack operations at the backend.
   */
  readonly operations?: Partial<Record<StackAction, number>>;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/**
 * Where stacks live. The heat-worker implements it over etcd; tests use the in-memory
 * one. The engine writes after every resource so a crash leaves a record to resume from.
 */
export interface StackStore {
  get(name: string): Promise<StoredStack | undefined>;
  /** The stack given is the engine's working state: copy or serialise it before returning. */
  put(stack: StoredStack): Promise<void>;
  /**
   * Stores the stack only when none is stored under its name; false (nothing written) when
   * one is. A store that holds writes back may answer true at once and make the name's
   * absence a condition of the held write (the heat-worker's, within a job): when that
   * write finds the name taken, its owner hands the engine's work to `discardUnstored`.
   */
  putIfAbsent(stack: StoredStack): Promise<boolean>;
  delete(name: string): Promise<void>;
}

/** A StackStore in a Map; copies on the way in and out like a real store would. */
export class InMemoryStackStore implements StackStore {
  private readonly stacks = new Map<string, StoredStack>();

  async get(name: string): Promise<StoredStack | undefined> {
    const stack = this.stacks.get(name);
    return stack === undefined ? undefined : structuredClone(stack);
  }

  async put(stack: StoredStack): Promise<void> {
    this.stacks.set(stack.name, structuredClone(stack));
  }

  async putIfAbsent(stack: StoredStack): Promise<boolean> {
    if (this.stacks.has(stack.name)) return false;
    this.stacks.set(stack.name, structuredClone(stack));
    return true;
  }

  async delete(name: string): Promise<void> {
    this.stacks.delete(name);
  }

  names(): string[] {
    return [...this.stacks.keys()];
  }
}
