import { randomUUID } from 'node:crypto';
import { KeyedLock } from '@esi/keyed-lock';
import { Deadline } from './deadline.js';
import { reverseGraph, subgraph, type DependencyGraph } from './dependencies.js';
import { errorMessage, InvalidStackRequestError, StackConflictError, StackNotFoundError, StackStoreError, TemplateError } from './errors.js';
import { isPlainObject } from './heat-text.js';
import { parseTemplate, type HotTemplate } from './hot-parser.js';
import { ParsedTemplates } from './parsed-templates.js';
import { evaluateOutputs } from './outputs.js';
import { resolveParameters } from './parameters.js';
import { createSimulatedProviders } from './providers/defaults.js';
import { genericProvider } from './providers/generic.js';
import { ProviderRegistry } from './providers/registry.js';
import type { SimulationOptions } from './providers/simulated.js';
import type { ResourceProvider } from './providers/types.js';
import { runInOrder } from './scheduler.js';
import { StackOperation } from './stack-operation.js';
import type { StackAction, StackResult, StackStore, StoredStack } from './store.js';

/** Heat's default stack action timeout when the caller gives none. */
export const DEFAULT_TIMEOUT_MINS = 60;

/** The status reasons the original system recorded. */
export const STATUS_REASONS = {
  CREATE_COMPLETE: 'Stack CREATE completed successfully',
  UPDATE_COMPLETE: 'Stack successfully updated',
  DELETE_COMPLETE: 'Stack DELETE completed successfully',
} as const;

export interface StackEngineOptions {
  readonly store: StackStore;
  /** Providers that replace or add to the simulated defaults, by type. */
  readonly providers?: readonly ResourceProvider[];
  /**
   * Types no provider handles: 'simulate' (default) runs them through a generic
   * simulated provider so any catalog works; 'reject' refuses such templates.
   */
  readonly unknownTypes?: 'simulate' | 'reject';
  /** Passed to the default simulated providers (e.g. latency). */
  readonly simulation?: SimulationOptions;
  readonly now?: () => Date;
}

export interface StackRequest {
  /** Heat stack name, e.g. `ese_logical_port_<id>`. */
  readonly name: string;
  /** Rendered HOT text (Jinja already applied). */
  readonly template: string;
  readonly params?: Readonly<Record<string, unknown>>;
  /** Whole-operation limit; defaults to DEFAULT_TIMEOUT_MINS (update: the stack's last). */
  readonly timeoutMins?: number;
  /** Stack tags (Heat's rules: no commas, at most 80 characters); update keeps the old ones when omitted. */
  readonly tags?: readonly string[];
}

const STACK_NAME = /^[a-zA-Z][a-zA-Z0-9_.-]{0,254}$/;
// Heat stores a tag in an 80-character column and sends the list comma-separated.
const MAX_TAG_LENGTH = 80;
// States a new create may start over from: a failed or interrupted earlier create.
const CREATE_RESTARTABLE = new Set(['CREATE_FAILED', 'CREATE_IN_PROGRESS']);

interface Prepared {
  readonly template: HotTemplate;
  readonly params: Record<string, unknown>;
}

/**
 * The embedded Heat: evaluates HOT templates against resource providers and keeps each
 * stack in the injected store. Operations on one stack name run one at a time.
 * Validation problems throw; failures while acting on resources are recorded in the
 * stack (*_FAILED with a reason) and returned.
 */
export class StackEngine {
  private readonly store: StackStore;
  private readonly providers: ProviderRegistry;
  private readonly rejectUnknownTypes: boolean;
  private readonly now: () => Date;
  private readonly locks = new KeyedLock();
  private readonly parsed = new ParsedTemplates();

  constructor(options: StackEngineOptions) {
    this.store = options.store;
    this.rejectUnknownTypes = options.unknownTypes === 'reject';
    const simulation = options.simulation ?? {};
    this.providers = new ProviderRegistry(
      [...createSimulatedProviders(simulation), ...(options.providers ?? [])],
      this.rejectUnknownTypes ? undefined : (type) => genericProvider(type, simulation),
    );
    this.now = options.now ?? (() => new Date());
  }

  async getStack(name: string): Promise<StoredStack | undefined> {
    return this.load(name);
  }

  /**
   * Create a stack. Idempotent: a stack already CREATE_COMPLETE under this name is
   * returned untouched; one left CREATE_FAILED or interrupted is cleaned up and created
   * again; any other existing stack is a conflict.
   */
  async createStack(request: StackRequest): Promise<StoredStack> {
    checkRequest(request);
    return this.exclusive(request.name, async () => {
      const existing = await this.load(request.name);
      if (existing?.status === 'CREATE_COMPLETE') return existing;
      if (existing && !CREATE_RESTARTABLE.has(existing.status)) {
        throw new StackConflictError(`The Stack (${request.name}) already exists with status ${existing.status}.`);
      }
      return (await this.create(request, existing, 'save'))!;
    });
  }

  /**
   * Create a stack unless one is stored under its name: undefined, with nothing done, when
   * one is (the caller then looks at it and decides, as before any create). The name is
   * claimed by the first write, so a new stack costs no read first.
   */
  async createStackIfAbsent(request: StackRequest): Promise<StoredStack | undefined> {
    checkRequest(request);
    return this.exclusive(request.name, () => this.create(request, undefined, 'claim'));
  }

  private create(request: StackRequest, existing: StoredStack | undefined, first: 'save' | 'claim'): Promise<StoredStack | undefined> {
    const { template, params } = this.prepare(request);
    const timeoutMins = request.timeoutMins ?? DEFAULT_TIMEOUT_MINS;
    const now = this.now().toISOString();
    const op = this.begin('CREATE', timeoutMins, {
      name: request.name,
      id: existing?.id ?? randomUUID(),
      status: 'CREATE_IN_PROGRESS',
      reason: 'Stack CREATE started',
      template: request.template,
      params: structuredClone({ ...request.params }),
      timeoutMins,
      tags: [...(request.tags ?? [])],
      operations: counted(existing, 'CREATE'),
      resources: existing?.resources ?? [],
      outputs: [],
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    });
    return op.run(async (stack) => {
      if (first === 'claim') {
        if (!(await stack.claim())) return undefined;
      } else {
        await stack.save();
      }
      // Leftovers of the earlier attempt go first, so the new one starts clean.
      const cleanup = existing ? await removeAll(stack, removalPlan(existing, new Set(stack.names()))) : undefined;
      if (cleanup) return stack.fail(cleanup);
      stack.setOrder([...template.resources.keys()]);
      const failure = await runInOrder(template.dependencies, (name) => {
        const definition = template.resources.get(name)!;
        return stack.create(definition, stack.resolveProperties(definition, params));
      });
      if (failure) return stack.fail(failure);
      return stack.complete('CREATE_COMPLETE', STATUS_REASONS.CREATE_COMPLETE, this.outputsOf(stack, template));
    });
  }

  /**
   * Move a stack to a new template and parameters: unchanged resources are left alone,
   * changed ones updated in place or replaced, new ones created, and resources the new
   * template no longer has deleted (dependents first).
   */
  async updateStack(request: StackRequest): Promise<StoredStack> {
    checkRequest(request);
    return this.exclusive(request.name, async () => {
      const existing = await this.load(request.name);
      if (!existing) throw new StackNotFoundError(request.name);
      if (existing.status.startsWith('DELETE')) {
        throw new StackConflictError(`The Stack (${request.name}) cannot be updated while its status is ${existing.status}.`);
      }
      const { template, params } = this.prepare(request);
      const timeoutMins = request.timeoutMins ?? existing.timeoutMins;
      const { failure: _previousFailure, ...rest } = existing;
      const op = this.begin('UPDATE', timeoutMins, {
        ...rest,
        status: 'UPDATE_IN_PROGRESS',
        reason: 'Stack UPDATE started',
        template: request.template,
        params: structuredClone({ ...request.params }),
        timeoutMins,
        tags: request.tags ? [...request.tags] : [...(existing.tags ?? [])],
        operations: counted(existing, 'UPDATE'),
        outputs: [],
      });
      return op.run(async (stack) => {
        stack.setOrder([...template.resources.keys()]);
        await stack.save();
        const failure = await runInOrder(template.dependencies, (name) => {
          const definition = template.resources.get(name)!;
          return stack.converge(definition, stack.resolveProperties(definition, params));
        });
        if (failure) return stack.fail(failure);
        const gone = new Set(stack.names().filter((name) => !template.resources.has(name)));
        const removal = await removeAll(stack, removalPlan(existing, gone));
        if (removal) return stack.fail(removal);
        return stack.complete('UPDATE_COMPLETE', STATUS_REASONS.UPDATE_COMPLETE, this.outputsOf(stack, template));
      });
    });
  }

  /**
   * Delete a stack's resources (dependents first) and then its record. Returns the final
   * state: DELETE_COMPLETE, or DELETE_FAILED (still stored, so a retry resumes). A stack
   * that does not exist counts as deleted, so repeating a delete is harmless.
   */
  async deleteStack(name: string): Promise<StackResult> {
    return this.exclusive<StackResult>(name, async () => {
      const existing = await this.load(name);
      if (!existing) {
        return { name, id: '', status: 'DELETE_COMPLETE', reason: 'Stack not found; nothing to delete', resources: [], outputs: [] };
      }
      const { failure: _previousFailure, ...rest } = existing;
      const op = this.begin('DELETE', existing.timeoutMins, {
        ...rest,
        status: 'DELETE_IN_PROGRESS',
        reason: 'Stack DELETE started',
        operations: counted(existing, 'DELETE'),
        outputs: [],
      });
      return op.run(async (stack) => {
        await stack.save();
        const failure = await removeAll(stack, removalPlan(existing, new Set(stack.names())));
        if (failure) return stack.fail(failure);
        // A progress write still in flight would otherwise bring the record back.
        await stack.flushed();
        await this.storeCall(name, () => this.store.delete(name));
        return {
          ...stack.snapshot(),
          status: 'DELETE_COMPLETE',
          reason: STATUS_REASONS.DELETE_COMPLETE,
          resources: [],
          outputs: [],
        };
      });
    });
  }

  /**
   * Undo, in the providers only, a create whose store write did not hold: a store that
   * decides putIfAbsent at its commit (store.ts) found the name taken, so nothing of this
   * stack was stored and another stack owns the name. Its resources are deleted in the
   * providers (last listed first) and the store is not touched; the simulated providers
   * only forget what they made, so no order between them matters.
   */
  async discardUnstored(stack: StoredStack): Promise<void> {
    await this.exclusive(stack.name, async () => {
      const signal = new AbortController().signal;
      for (const resource of [...stack.resources].reverse()) {
        const provider = this.providers.get(resource.type);
        if (!provider?.delete || resource.physicalId === '') continue;
        const ctx = { stackName: stack.name, stackId: stack.id, resourceName: resource.name, tags: stack.tags ?? [], signal };
        // Best effort: what is left behind lives only in this process's simulation.
        await provider.delete(resource, ctx).catch(() => undefined);
      }
    });
  }

  private prepare(request: StackRequest): Prepared {
    const template = this.parsed.parse(request.template);
    if (this.rejectUnknownTypes) {
      for (const resource of template.resources.values()) {
        if (!this.providers.has(resource.type)) {
          throw new TemplateError(`The Resource Type (${resource.type}) could not be found.`);
        }
      }
    }
    return { template, params: resolveParameters(template.parameters, request.params ?? {}) };
  }

  private begin(action: StackAction, timeoutMins: number, initial: StoredStack): { run: Runner } {
    const deadline = new Deadline(timeoutMins, action);
    const stack = new StackOperation(this.store, this.providers, deadline, action, initial, this.now);
    return {
      run: async (body) => {
        try {
          return await body(stack);
        } finally {
          deadline.dispose();
        }
      },
    };
  }

  private outputsOf(stack: StackOperation, template: HotTemplate) {
    return stack.outputs((scope) => evaluateOutputs(template.outputs, scope));
  }

  private load(name: string): Promise<StoredStack | undefined> {
    return this.storeCall(name, () => this.store.get(name));
  }

  private async storeCall<T>(name: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (cause) {
      throw new StackStoreError(`Stack store failed for ${name}: ${errorMessage(cause)}`, { cause });
    }
  }

  // One operation per stack name at a time; later callers queue behind earlier ones.
  private exclusive<T>(name: string, fn: () => Promise<T>): Promise<T> {
    return this.locks.run(name, fn);
  }
}

/** The stack's operation counts with this one: a resumed operation (found in progress) is not a new one. */
function counted(existing: StoredStack | undefined, action: StackAction): Partial<Record<StackAction, number>> {
  const before = existing?.operations ?? {};
  if (existing?.status === `${action}_IN_PROGRESS`) return { ...before };
  return { ...before, [action]: (before[action] ?? 0) + 1 };
}

type Runner = <T>(body: (stack: StackOperation) => Promise<T>) => Promise<T>;

function checkRequest(request: StackRequest): void {
  if (typeof request.name !== 'string' || !STACK_NAME.test(request.name)) {
    throw new InvalidStackRequestError(
      `Invalid stack name ${JSON.stringify(request.name)}: must start with a letter and contain only letters, digits, _, - and .`,
    );
  }
  if (typeof request.template !== 'string' || request.template.trim() === '') {
    throw new InvalidStackRequestError(`Stack ${request.name}: template must be non-empty text`);
  }
  if (request.params !== undefined && !isPlainObject(request.params)) {
    throw new InvalidStackRequestError(`Stack ${request.name}: params must be a mapping`);
  }
  if (request.tags !== undefined) {
    const bad = Array.isArray(request.tags)
      ? request.tags.find((tag) => typeof tag !== 'string' || tag === '' || tag.includes(',') || tag.length > MAX_TAG_LENGTH)
      : request.tags;
    if (!Array.isArray(request.tags) || bad !== undefined) {
      throw new InvalidStackRequestError(
        `Stack ${request.name}: tags must be non-empty strings without commas, at most ${MAX_TAG_LENGTH} characters (got ${JSON.stringify(bad)})`,
      );
    }
  }
  const t = request.timeoutMins;
  if (t !== undefined && (typeof t !== 'number' || !Number.isFinite(t) || t <= 0)) {
    throw new InvalidStackRequestError(`Stack ${request.name}: timeoutMins must be a positive number`);
  }
}

interface RemovalPlan {
  /** Dependents before what they depend on. */
  readonly graph: DependencyGraph;
  /** Resources whose deletion_policy is Retain: forgotten, never deleted in the backend. */
  readonly retained: ReadonlySet<string>;
}

/**
 * How to delete `names` of a stored stack, per the stack's template. A template that no
 * longer parses only loses the ordering and the retain policies.
 */
function removalPlan(stack: StoredStack, names: ReadonlySet<string>): RemovalPlan {
  let template: HotTemplate | undefined;
  try {
    template = parseTemplate(stack.template);
  } catch {
    template = undefined;
  }
  const all = new Map<string, ReadonlySet<string>>(template?.dependencies ?? []);
  for (const resource of stack.resources) if (!all.has(resource.name)) all.set(resource.name, new Set());
  const retained = new Set(
    [...(template?.resources.values() ?? [])].filter((r) => r.deletionPolicy === 'Retain').map((r) => r.name),
  );
  return { graph: reverseGraph(subgraph(all, names)), retained };
}

function removeAll(stack: StackOperation, plan: RemovalPlan) {
  return runInOrder(plan.graph, (name) => stack.remove(name, plan.retained.has(name)));
}
