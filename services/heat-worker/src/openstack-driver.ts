/**
 * The OpenStack driver: stacks live in Heat, reached through @esi/heat-client. Each
 * operation is sent, then polled with backoff until Heat settles it or the time limit
 * (heat_timeout → timeout_mins, plus a grace for Heat to report its own timeout) passes.
 * Polls do not resolve outputs; a stack's outputs are read once, when it is complete.
 *
 * It works with either Heat engine. The legacy engine refuses an update while another
 * operation runs (409); the convergence engine (Heat's default) accepts it and replaces
 * the running operation, so an update can also be replaced by someone else's: a wait
 * that ends on a stack no longer carrying this job's tags says so (StackBusyError) and
 * the job is tried again, deciding afresh.
 */
import {
  HeatApiError,
  StackWaitTimeoutError,
  type HeatClient,
  type HeatStack,
  type StackAction,
  type StackSpec,
} from '@esi/heat-client';
import { StackBusyError, StackRefusedError } from './errors.js';
import { isFailed, type StackCall, type StackDriver, type StackView } from './stack-driver.js';

export interface OpenStackDriverOptions {
  /** First pause between polls (the original polled about every 1.1 s). */
  readonly pollMs?: number;
  readonly pollMaxMs?: number;
  /** Heat's default when a job has no heat_timeout. */
  readonly defaultTimeoutMins?: number;
  /** Waiting goes on this long past the stack's timeout, so Heat's own "timed out" wins. */
  readonly graceMs?: number;
  /** The length of a minute; only tests shorten it. */
  readonly minuteMs?: number;
}

export class OpenStackDriver implements StackDriver {
  readonly kind = 'openstack' as const;
  private readonly pollMs: number;
  private readonly pollMaxMs: number;
  private readonly defaultTimeoutMins: number;
  private readonly graceMs: number;
  private readonly minuteMs: number;

  constructor(
    private readonly client: HeatClient,
    options: OpenStackDriverOptions = {},
  ) {
    this.pollMs = options.pollMs ?? 1_000;
    this.pollMaxMs = options.pollMaxMs ?? 10_000;
    this.defaultTimeoutMins = options.defaultTimeoutMins ?? 60;
    this.graceMs = options.graceMs ?? 30_000;
    this.minuteMs = options.minuteMs ?? 60_000;
  }

  async find(name: string): Promise<StackView | undefined> {
    const stack = await this.client.findStack(name);
    if (stack === undefined || stack.status === 'DELETE_COMPLETE') return undefined;
    // A complete stack may be reported as it is, outputs and all; anything else will be
    // waited for or acted on, and its outputs read at the end of that.
    if (!stack.status.endsWith('_COMPLETE')) return toView(stack);
    const full = await this.client.getStack(name, stack.id, { outputs: true });
    return full === undefined || full.status === 'DELETE_COMPLETE' ? undefined : toView(full);
  }

  async settle(view: StackView): Promise<StackView | undefined> {
    const current = await this.client.getStack(view.name, view.id);
    const timeoutMins = current?.timeoutMins ?? this.defaultTimeoutMins;
    try {
      const settled = await this.client.waitForStack(view.name, view.id, 'ANY', this.waitOptions(timeoutMins));
      return settled === undefined || settled.status === 'DELETE_COMPLETE' ? undefined : toView(settled);
    } catch (error) {
      if (!(error instanceof StackWaitTimeoutError)) throw error;
      throw new StackBusyError(`Stack ${view.name} is still ${error.lastStatus} after ${timeoutMins} minute(s)`, { cause: error });
    }
  }

  async create(call: StackCall): Promise<StackView> {
    let id: string;
    try {
      id = (await this.client.createStack(spec(call))).id;
    } catch (error) {
      if (!isConflict(error)) throw refused(error, call);
      // 409: the name is taken. If by this very job (a lost response, or a duplicate
      // delivery racing this one), wait for that stack instead of making another.
      const existing = await this.client.findStack(call.name);
      if (!existing || !carries(existing, call)) {
        throw new StackBusyError(`Stack ${call.name} was created by another job meanwhile`, { cause: error });
      }
      id = existing.id;
    }
    return this.waitFor(call.name, id, 'CREATE', call);
  }

  async update(current: StackView, call: StackCall): Promise<StackView> {
    try {
      await this.client.updateStack(current.id, spec(call));
    } catch (error) {
      // 409 comes only from the legacy engine: another operation holds the stack.
      if (!isConflict(error)) throw refused(error, call);
      const now = await this.client.getStack(call.name, current.id);
      if (!now || !carries(now, call)) {
        throw new StackBusyError(`Stack ${call.name} is busy: ${(error as Error).message}`, { cause: error });
      }
    }
    return this.waitFor(call.name, current.id, 'UPDATE', call);
  }

  async delete(current: StackView): Promise<StackView | undefined> {
    try {
      await this.client.deleteStack(current.name, current.id);
    } catch (error) {
      if (!isConflict(error)) throw error;
      throw new StackBusyError(`Stack ${current.name} is busy: ${(error as Error).message}`, { cause: error });
    }
    const timeoutMins = (await this.client.getStack(current.name, current.id))?.timeoutMins ?? this.defaultTimeoutMins;
    try {
      const after = await this.client.waitForStack(current.name, current.id, 'DELETE', this.waitOptions(timeoutMins));
      return after === undefined || after.status === 'DELETE_COMPLETE' ? undefined : toView(after);
    } catch (error) {
      if (!(error instanceof StackWaitTimeoutError)) throw error;
      return timedOut(current.name, current.id, 'DELETE', timeoutMins, error);
    }
  }

  private async waitFor(name: string, id: string, action: StackAction, call: StackCall): Promise<StackView> {
    const timeoutMins = call.timeoutMins ?? this.defaultTimeoutMins;
    // A view still showing an earlier operation's end is not this one's end: accept a
    // settled stack once it carries this job's tags or this action was seen running.
    const accept = (stack: HeatStack, sawProgress: boolean): boolean => sawProgress || carries(stack, call);
    try {
      const stack = await this.client.waitForStack(name, id, action, { ...this.waitOptions(timeoutMins), accept });
      if (stack === undefined) throw new StackBusyError(`Stack ${name} disappeared during ${action}`);
      // Settled well but without this job's tags: another job's update replaced this one
      // (convergence accepts an update mid-operation). Its result is not this job's.
      if (!carries(stack, call) && !isFailed(stack.status)) {
        throw new StackBusyError(`Stack ${name}: this ${action} was replaced by another operation (now ${stack.status}, tags ${stack.tags.join(',') || 'none'})`);
      }
      return toView(stack, action);
    } catch (error) {
      if (!(error instanceof StackWaitTimeoutError)) throw error;
      return timedOut(name, id, action, timeoutMins, error);
    }
  }

  private waitOptions(timeoutMins: number) {
    return { timeoutMs: timeoutMins * this.minuteMs + this.graceMs, pollMs: this.pollMs, pollMaxMs: this.pollMaxMs };
  }
}

function spec(call: StackCall): StackSpec {
  return {
    name: call.name,
    template: call.template,
    parameters: call.parameters,
    // Heat takes whole minutes.
    timeoutMins: call.timeoutMins === undefined ? undefined : Math.max(1, Math.ceil(call.timeoutMins)),
    tags: call.tags,
  };
}

function carries(stack: HeatStack, call: StackCall): boolean {
  return call.tags.every((tag) => stack.tags.includes(tag));
}

function isConflict(error: unknown): boolean {
  return error instanceof HeatApiError && error.status === 409;
}

// Heat's verdict on the template or its parameters (heat-error-policy.ts: `input`) is
// the job's input, not the moment; it is worded as Heat's refusal of this stack. Every
// other error goes on as it is and classify-error.ts reads its decision.
function refused(error: unknown, call: StackCall): unknown {
  if (error instanceof HeatApiError && error.decision === 'input') {
    const request = error.requestId ? ` [${error.requestId}]` : '';
    return new StackRefusedError(`Heat refused stack ${call.name}: ${error.type ? `${error.type}: ` : ''}${error.detail}${request}`, { cause: error });
  }
  return error;
}

function toView(stack: HeatStack, action?: StackAction): StackView {
  // A rollback (only on stacks made with rollback enabled) means the action failed.
  const rolledBack = action !== undefined && stack.status.startsWith('ROLLBACK_');
  return {
    name: stack.name,
    id: stack.id,
    status: rolledBack ? `${action}_FAILED` : stack.status,
    reason: rolledBack ? `${stack.reason} (${stack.status})` : stack.reason,
    outputs: stack.outputs,
    tags: stack.tags,
    retryable: false,
  };
}

function timedOut(name: string, id: string, action: StackAction, timeoutMins: number, error: StackWaitTimeoutError): StackView {
  return {
    name,
    id,
    status: `${action}_FAILED`,
    reason: `Stack ${action} timed out after ${timeoutMins} minute(s); Heat still reports ${error.lastStatus}`,
    outputs: [],
    tags: [],
    retryable: false,
  };
}
