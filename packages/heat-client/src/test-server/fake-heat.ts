/**
 * The Heat v1 stack endpoints the client uses, over an in-memory table: list (with the
 * tag filters), lookup by name (302 to the stack), show (with `resolve_outputs`),
 * create, update, delete. Operations stay *_IN_PROGRESS for a while and then end as the
 * `run` hook says, or fail with Heat's timeout reason once `timeout_mins` has passed, so
 * waiting, failures and timeouts are real.
 *
 * Two engine modes, as Heat can be deployed. `convergence` (Heat's default since Ocata)
 * accepts an update while an operation is in progress and replaces that operation;
 * `legacy` refuses it with 409 ActionInProgress. Both refuse to update a stack that is
 * being deleted (400 NotSupported).
 */
import { randomUUID } from 'node:crypto';
import type { HeatOutput } from '@esi/contracts';
import { HeatFault, heatErrorBody } from './heat-fault.js';
import { json, type Reply } from './reply.js';
import { checkStackName, parseTags, parseTimeout, queryBool, queryList } from './stack-rules.js';
import type { EngineMode, OperationAction, OperationResult, StackOperationInfo, StackRequestInfo, TestStack } from './types.js';

export interface FakeHeatOptions {
  readonly engine: EngineMode;
  /** How long a stack stays *_IN_PROGRESS before `run` is asked how it ends. */
  readonly operationDelayMs: number;
  /** The length of one of timeout_mins' minutes; tests shorten it. */
  readonly minuteMs: number;
  /** Heat's max_stacks_per_tenant: a create past it is refused with RequestLimitExceeded. */
  readonly maxStacks?: number;
  readonly validate?: (request: StackRequestInfo) => void;
  readonly run?: (operation: StackOperationInfo) => OperationResult | Promise<OperationResult>;
}

/** Heat's stack_status_reason when an action ends well (since Heat 2015.1). */
const SUCCESS_REASONS: Record<OperationAction, string> = {
  CREATE: 'Stack CREATE completed successfully',
  UPDATE: 'Stack UPDATE completed successfully',
  DELETE: 'Stack DELETE completed successfully',
};

/** Heat's default when a stack has no timeout_mins (stack_action_timeout, 3600 s). */
const DEFAULT_TIMEOUT_MINS = 60;

/** The reason a stack that ran out of time shows: the convergence engine's, or the legacy engine's "Create timed out". */
function timeoutReason(engine: EngineMode, action: OperationAction): string {
  return engine === 'convergence' ? 'Timed out' : `${action.charAt(0)}${action.slice(1).toLowerCase()} timed out`;
}

interface StackBody {
  stack_name?: unknown;
  template?: unknown;
  parameters?: unknown;
  timeout_mins?: unknown;
  tags?: unknown;
}

export class FakeHeat {
  readonly stacks: TestStack[] = [];
  /** Shows that resolved outputs (no `resolve_outputs=False`). */
  outputResolutions = 0;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly options: FakeHeatOptions,
    private readonly baseUrl: () => string,
  ) {}

  /** Routes `/v1/<project>/stacks…` (project already checked against the token). */
  route(method: string, segments: readonly string[], query: URLSearchParams, body: unknown, projectId: string): Reply {
    try {
      return this.dispatch(method, segments, query, body, projectId);
    } catch (error) {
      if (error instanceof HeatFault) return json(error.status, heatErrorBody(error.status, error.type, error.message));
      throw error;
    }
  }

  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private dispatch(method: string, segments: readonly string[], query: URLSearchParams, body: unknown, projectId: string): Reply {
    const [name, id, ...rest] = segments;
    if (rest.length > 0) return notFound('The resource could not be found.');
    if (name === undefined) {
      if (method === 'POST') return this.create(body, projectId);
      if (method === 'GET') return this.list(query, projectId);
      return notAllowed(method);
    }
    if (id === undefined) {
      if (method !== 'GET') return notAllowed(method);
      const live = this.live(name);
      if (!live) return notFound(`The Stack (${name}) could not be found.`);
      // Heat's lookup keeps the query string on the redirect.
      const search = query.toString();
      return json(302, undefined, { Location: `${this.link(projectId, live)}${search ? `?${search}` : ''}` });
    }
    const stack = this.stacks.find((s) => s.id === id && s.name === name);
    if (!stack) return notFound(`The Stack (${name}) could not be found.`);
    if (method === 'GET') {
      const resolve = queryBool(query, 'resolve_outputs', true);
      if (resolve) this.outputResolutions += 1;
      return json(200, { stack: this.show(stack, projectId, resolve) });
    }
    if (method === 'PUT') return this.update(stack, body);
    if (method === 'DELETE') return this.delete(stack);
    return notAllowed(method);
  }

  private live(name: string): TestStack | undefined {
    return this.stacks.find((s) => s.name === name && !s.deleted);
  }

  private list(query: URLSearchParams, projectId: string): Reply {
    const all = queryList(query, 'tags');
    const any = queryList(query, 'tags_any');
    const notAll = queryList(query, 'not_tags');
    const notAny = queryList(query, 'not_tags_any');
    const name = query.get('name');
    const matches = this.stacks.filter(
      (s) =>
        !s.deleted &&
        (name === null || s.name === name) &&
        all.every((t) => s.tags.includes(t)) &&
        (any.length === 0 || any.some((t) => s.tags.includes(t))) &&
        (notAll.length === 0 || !notAll.every((t) => s.tags.includes(t))) &&
        !notAny.some((t) => s.tags.includes(t)),
    );
    return json(200, {
      stacks: matches.map((s) => {
        const { parameters: _p, outputs: _o, timeout_mins: _t, disable_rollback: _d, ...summary } = this.show(s, projectId, false);
        return summary;
      }),
    });
  }

  private create(body: unknown, projectId: string): Reply {
    const b = (body ?? {}) as StackBody;
    if (b.stack_name === undefined || b.stack_name === '') return badRequest('HTTPBadRequest', 'No stack name specified');
    const name = checkStackName(b.stack_name);
    const request = requestInfo('CREATE', name, b);
    if (this.live(name)) return json(409, heatErrorBody(409, 'StackExists', `The Stack (${name}) already exists.`));
    if (this.options.maxStacks !== undefined && this.stacks.filter((s) => !s.deleted).length >= this.options.maxStacks) {
      throw new HeatFault(400, 'RequestLimitExceeded', `You have reached the maximum stacks per tenant, ${this.options.maxStacks}. Please delete some stacks.`);
    }
    this.validate(request);
    const stack: TestStack = {
      id: randomUUID(),
      name,
      status: 'CREATE_IN_PROGRESS',
      reason: 'Stack CREATE started',
      template: request.template,
      parameters: request.parameters,
      timeoutMins: request.timeoutMins,
      tags: request.tags,
      outputs: [],
      creationTime: new Date().toISOString(),
      updatedTime: null,
      deleted: false,
      generation: 0,
    };
    this.stacks.push(stack);
    this.begin(stack, 'CREATE');
    return json(201, { stack: { id: stack.id, links: [{ href: this.link(projectId, stack), rel: 'self' }] } });
  }

  private update(stack: TestStack, body: unknown): Reply {
    if (stack.deleted) return notFound(`The Stack (${stack.name}) could not be found.`);
    // Both engines check this before anything else (a DELETE_FAILED stack included).
    if (stack.status.startsWith('DELETE_')) throw new HeatFault(400, 'NotSupported', 'Updating a stack when it is deleting is not supported.');
    if (stack.status.endsWith('_IN_PROGRESS') && this.options.engine === 'legacy') {
      const action = stack.status.replace(/_IN_PROGRESS$/, '');
      return json(409, heatErrorBody(409, 'ActionInProgress', `Stack ${stack.name} already has an action (${action}) in progress.`));
    }
    const request = requestInfo('UPDATE', stack.name, (body ?? {}) as StackBody);
    this.validate(request);
    stack.template = request.template;
    stack.parameters = request.parameters;
    // A PUT replaces the tags (none named: none kept); an absent timeout keeps the old one.
    stack.tags = request.tags;
    if (request.timeoutMins !== undefined) stack.timeoutMins = request.timeoutMins;
    stack.updatedTime = new Date().toISOString();
    // Convergence: a new traversal; the running one's end is no longer written.
    this.begin(stack, 'UPDATE');
    return json(202);
  }

  private delete(stack: TestStack): Reply {
    if (stack.deleted) return notFound(`The Stack (${stack.name}) could not be found.`);
    // Like Heat, a delete may interrupt whatever the stack is doing.
    this.begin(stack, 'DELETE');
    return json(204);
  }

  private validate(request: StackRequestInfo): void {
    try {
      this.options.validate?.(request);
    } catch (error) {
      if (error instanceof HeatFault) throw error;
      throw new HeatFault(400, 'StackValidationFailed', error instanceof Error ? error.message : String(error));
    }
  }

  private begin(stack: TestStack, action: OperationAction): void {
    stack.generation += 1;
    const generation = stack.generation;
    stack.status = `${action}_IN_PROGRESS`;
    stack.reason = `Stack ${action} started`;
    stack.outputs = [];
    const info: StackOperationInfo = {
      action,
      id: stack.id,
      name: stack.name,
      template: stack.template,
      parameters: stack.parameters,
      timeoutMins: stack.timeoutMins,
      tags: [...stack.tags],
    };
    this.later(this.options.operationDelayMs, () => void this.finish(stack, generation, info));
    // Heat's own timer: past timeout_mins the action fails, whatever the resources do.
    this.later((stack.timeoutMins ?? DEFAULT_TIMEOUT_MINS) * this.options.minuteMs, () => {
      if (stack.generation !== generation || !stack.status.endsWith('_IN_PROGRESS')) return;
      stack.generation += 1;
      stack.status = `${action}_FAILED`;
      stack.reason = timeoutReason(this.options.engine, action);
    });
  }

  private later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  private async finish(stack: TestStack, generation: number, info: StackOperationInfo): Promise<void> {
    let result: OperationResult;
    try {
      result = (await this.options.run?.(info)) ?? { ok: true };
    } catch (error) {
      result = { ok: false, reason: error instanceof Error ? error.message : String(error) };
    }
    if (stack.generation !== generation) return;
    if (result.ok) {
      stack.status = `${info.action}_COMPLETE`;
      stack.reason = result.reason ?? SUCCESS_REASONS[info.action];
      stack.outputs = info.action === 'DELETE' ? [] : (result.outputs ?? []);
      if (info.action === 'DELETE') stack.deleted = true;
    } else {
      stack.status = `${info.action}_FAILED`;
      stack.reason = result.reason;
    }
  }

  private link(projectId: string, stack: TestStack): string {
    return `${this.baseUrl()}/v1/${projectId}/stacks/${encodeURIComponent(stack.name)}/${stack.id}`;
  }

  private show(stack: TestStack, projectId: string, resolveOutputs: boolean): Record<string, unknown> {
    return {
      id: stack.id,
      stack_name: stack.name,
      stack_status: stack.status,
      stack_status_reason: stack.reason,
      description: 'No description',
      parameters: { 'OS::stack_name': stack.name, 'OS::stack_id': stack.id, ...stringValues(stack.parameters) },
      // Heat leaves the key out when asked not to resolve outputs.
      ...(resolveOutputs ? { outputs: stack.outputs.map((o): HeatOutput => ({ ...o })) } : {}),
      tags: stack.tags.length > 0 ? [...stack.tags] : null,
      timeout_mins: stack.timeoutMins ?? null,
      disable_rollback: true,
      creation_time: stack.creationTime,
      updated_time: stack.updatedTime,
      links: [{ href: this.link(projectId, stack), rel: 'self' }],
    };
  }
}

function requestInfo(action: 'CREATE' | 'UPDATE', name: string, b: StackBody): StackRequestInfo {
  if (typeof b.template !== 'string' && (typeof b.template !== 'object' || b.template === null)) {
    throw new HeatFault(400, 'HTTPBadRequest', 'No template specified');
  }
  const parameters = b.parameters ?? {};
  if (typeof parameters !== 'object' || parameters === null || Array.isArray(parameters)) {
    throw new HeatFault(400, 'HTTPBadRequest', 'parameters must be a mapping');
  }
  return {
    action,
    name,
    template: typeof b.template === 'string' ? b.template : JSON.stringify(b.template),
    parameters: parameters as Record<string, unknown>,
    timeoutMins: parseTimeout(b.timeout_mins),
    tags: parseTags(b.tags),
  };
}

// Heat shows parameter values as strings.
function stringValues(values: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
}

function notFound(message: string): Reply {
  return json(404, heatErrorBody(404, 'EntityNotFound', message));
}

function notAllowed(method: string): Reply {
  return json(405, heatErrorBody(405, 'HTTPMethodNotAllowed', `${method} not allowed`));
}

function badRequest(type: string, message: string): Reply {
  return json(400, heatErrorBody(400, type, message));
}
