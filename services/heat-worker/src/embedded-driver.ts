/**
 * The default driver: the embedded stack engine, with its stacks in the heat-worker's
 * slice of etcd. Runs in-process, so a stack found in progress was interrupted (the
 * worker's lock keeps this process from finding its own work half-done) and is resumed.
 */
import type { StackEngine, StackRequest, StackResult, StoredStack } from '@esi/stack-engine';
import type { StackCall, StackDriver, StackView } from './stack-driver.js';

export class EmbeddedDriver implements StackDriver {
  readonly kind = 'embedded' as const;

  constructor(private readonly engine: StackEngine) {}

  async find(name: string): Promise<StackView | undefined> {
    const stored = await this.engine.getStack(name);
    return stored === undefined ? undefined : toView(stored);
  }

  async settle(view: StackView): Promise<StackView | undefined> {
    const stored = await this.engine.getStack(view.name);
    if (stored === undefined) return undefined;
    const again: StackRequest = {
      name: stored.name,
      template: stored.template,
      params: stored.params,
      timeoutMins: stored.timeoutMins,
      tags: stored.tags ?? [],
    };
    if (stored.status === 'CREATE_IN_PROGRESS') return toView(await this.engine.createStack(again));
    if (stored.status === 'UPDATE_IN_PROGRESS') return toView(await this.engine.updateStack(again));
    if (stored.status === 'DELETE_IN_PROGRESS') return goneOr(await this.engine.deleteStack(stored.name));
    return toView(stored);
  }

  async create(call: StackCall): Promise<StackView> {
    return toView(await this.engine.createStack(request(call)));
  }

  async createIfAbsent(call: StackCall): Promise<StackView | undefined> {
    const created = await this.engine.createStackIfAbsent(request(call));
    return created === undefined ? undefined : toView(created);
  }

  async update(_current: StackView, call: StackCall): Promise<StackView> {
    return toView(await this.engine.updateStack(request(call)));
  }

  async delete(current: StackView): Promise<StackView | undefined> {
    return goneOr(await this.engine.deleteStack(current.name));
  }
}

function request(call: StackCall): StackRequest {
  return { name: call.name, template: call.template, params: call.parameters, timeoutMins: call.timeoutMins, tags: call.tags };
}

function goneOr(result: StackResult): StackView | undefined {
  return result.status === 'DELETE_COMPLETE' ? undefined : toView(result);
}

function toView(stack: StackResult | StoredStack): StackView {
  const failure = stack.failure;
  return {
    name: stack.name,
    id: stack.id,
    status: stack.status,
    reason: stack.reason,
    outputs: stack.outputs,
    tags: 'tags' in stack ? (stack.tags ?? []) : [],
    // A timeout is final: heat_timeout is the job's limit, not a hiccup to retry.
    retryable: failure !== undefined && failure.retryable && failure.timedOut !== true,
  };
}
