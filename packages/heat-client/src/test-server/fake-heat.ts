/**
 * The Heat v1 stack endpoints the client uses, over an in-memory table: lookup by name
 * (302 to the stack), show, create, update, delete. Operations stay *_IN_PROGRESS for a
 * while and then end as the `run` hook says, so waiting, failures and timeouts are real.
 */
import { randomUUID } from 'node:crypto';
import type { HeatOutput } from '../stack-types.js';
import { HeatFault, heatErrorBody } from './heat-fault.js';
import { json, type Reply } from './reply.js';
import type { OperationAction, OperationResult, StackOperationInfo, StackRequestInfo, TestStack } from './types.js';

export interface FakeHeatOptions {
  /** How long a stack stays *_IN_PROGRESS before `run` is asked how it ends. */
  readonly operationDelayMs: number;
  readonly validate?: (request: StackRequestInfo) => void;
  readonly run?: (operation: StackOperationInfo) => OperationResult | Promise<OperationResult>;
}

const SUCCESS_REASONS: Record<OperationAction, string> = {
  CREATE: 'Stack CREATE completed successfully',
  UPDATE: 'Stack successfully updated',
  DELETE: 'Stack DELETE completed successfully',
};

interface StackBody {
  stack_name?: unknown;
  template?: unknown;
  parameters?: unknown;
  timeout_mins?: unknown;
  tags?: unknown;
}

export class FakeHeat {
  readonly stacks: TestStack[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly options: FakeHeatOptions,
    private readonly baseUrl: () => string,
  ) {}

  /** Routes `/v1/<project>/stacks…` (project already checked against the token). */
  route(method: string, segments: readonly string[], body: unknown, projectId: string): Reply {
    const [name, id, ...rest] = segments;
    if (rest.length > 0) return notFound('The resource could not be found.');
    if (name === undefined) {
      if (method === 'POST') return this.create(body, projectId);
      return json(405, heatErrorBody(405, 'MethodNotAllowed', `${method} not allowed`));
    }
    if (id === undefined) {
      if (method !== 'GET') return json(405, heatErrorBody(405, 'MethodNotAllowed', `${method} not allowed`));
      const live = this.live(name);
      if (!live) return notFound(`The Stack (${name}) could not be found.`);
      return json(302, undefined, { Location: `${this.baseUrl()}/v1/${projectId}/stacks/${encodeURIComponent(name)}/${live.id}` });
    }
    const stack = this.stacks.find((s) => s.id === id && s.name === name);
    if (!stack) return notFound(`The Stack (${name}) could not be found.`);
    if (method === 'GET') return json(200, { stack: show(stack, this.baseUrl(), projectId) });
    if (method === 'PUT') return this.update(stack, body);
    if (method === 'DELETE') return this.delete(stack);
    return json(405, heatErrorBody(405, 'MethodNotAllowed', `${method} not allowed`));
  }

  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private live(name: string): TestStack | undefined {
    return this.stacks.find((s) => s.name === name && !s.deleted);
  }

  private create(body: unknown, projectId: string): Reply {
    const b = (body ?? {}) as StackBody;
    if (typeof b.stack_name !== 'string' || b.stack_name === '') return badRequest('HTTPBadRequest', 'stack_name is required');
    if (this.live(b.stack_name)) return json(409, heatErrorBody(409, 'StackExists', `The Stack (${b.stack_name}) already exists.`));
    const request = requestInfo('CREATE', b.stack_name, b);
    if ('status' in request) return request;
    const refused = this.validate(request);
    if (refused) return refused;
    const stack: TestStack = {
      id: randomUUID(),
      name: request.name,
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
    const link = `${this.baseUrl()}/v1/${projectId}/stacks/${stack.name}/${stack.id}`;
    return json(201, { stack: { id: stack.id, links: [{ href: link, rel: 'self' }] } });
  }

  private update(stack: TestStack, body: unknown): Reply {
    if (stack.deleted) return notFound(`The Stack (${stack.name}) could not be found.`);
    if (stack.status.endsWith('_IN_PROGRESS')) {
      const action = stack.status.replace(/_IN_PROGRESS$/, '');
      return json(409, heatErrorBody(409, 'ActionInProgress', `Stack ${stack.name} already has an action (${action}) in progress.`));
    }
    const b = (body ?? {}) as StackBody;
    const request = requestInfo('UPDATE', stack.name, b);
    if ('status' in request) return request;
    const refused = this.validate(request);
    if (refused) return refused;
    stack.template = request.template;
    stack.parameters = request.parameters;
    if (request.timeoutMins !== undefined) stack.timeoutMins = request.timeoutMins;
    if (b.tags !== undefined) stack.tags = request.tags;
    stack.updatedTime = new Date().toISOString();
    this.begin(stack, 'UPDATE');
    return json(202);
  }

  private delete(stack: TestStack): Reply {
    if (stack.deleted) return notFound(`The Stack (${stack.name}) could not be found.`);
    // Like Heat, a delete may interrupt whatever the stack is doing.
    this.begin(stack, 'DELETE');
    return json(204);
  }

  private validate(request: StackRequestInfo): Reply | undefined {
    try {
      this.options.validate?.(request);
      return undefined;
    } catch (error) {
      if (error instanceof HeatFault) return json(error.status, heatErrorBody(error.status, error.type, error.message));
      return badRequest('StackValidationFailed', error instanceof Error ? error.message : String(error));
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
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.finish(stack, generation, info);
    }, this.options.operationDelayMs);
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
}

function requestInfo(action: 'CREATE' | 'UPDATE', name: string, b: StackBody): StackRequestInfo | Reply {
  if (typeof b.template !== 'string' && (typeof b.template !== 'object' || b.template === null)) {
    return badRequest('HTTPBadRequest', 'No template specified');
  }
  const parameters = b.parameters ?? {};
  if (typeof parameters !== 'object' || parameters === null || Array.isArray(parameters)) {
    return badRequest('HTTPBadRequest', 'parameters must be a mapping');
  }
  if (b.timeout_mins !== undefined && (!Number.isInteger(b.timeout_mins) || (b.timeout_mins as number) <= 0)) {
    return badRequest('HTTPBadRequest', `Invalid timeout value ${JSON.stringify(b.timeout_mins)}`);
  }
  return {
    action,
    name,
    template: typeof b.template === 'string' ? b.template : JSON.stringify(b.template),
    parameters: parameters as Record<string, unknown>,
    timeoutMins: b.timeout_mins as number | undefined,
    tags: typeof b.tags === 'string' && b.tags !== '' ? b.tags.split(',') : [],
  };
}

function show(stack: TestStack, baseUrl: string, projectId: string): Record<string, unknown> {
  return {
    id: stack.id,
    stack_name: stack.name,
    stack_status: stack.status,
    stack_status_reason: stack.reason,
    description: 'No description',
    parameters: { 'OS::stack_name': stack.name, 'OS::stack_id': stack.id, ...stringValues(stack.parameters) },
    outputs: stack.outputs.map((o): HeatOutput => ({ ...o })),
    tags: stack.tags.length > 0 ? [...stack.tags] : null,
    timeout_mins: stack.timeoutMins ?? null,
    disable_rollback: true,
    creation_time: stack.creationTime,
    updated_time: stack.updatedTime,
    links: [{ href: `${baseUrl}/v1/${projectId}/stacks/${stack.name}/${stack.id}`, rel: 'self' }],
  };
}

// Heat shows parameter values as strings.
function stringValues(values: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
}

function notFound(message: string): Reply {
  return json(404, heatErrorBody(404, 'EntityNotFound', message));
}

function badRequest(type: string, message: string): Reply {
  return json(400, heatErrorBody(400, type, message));
}
