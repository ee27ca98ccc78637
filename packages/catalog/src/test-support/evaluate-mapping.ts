/**
 * A small evaluator of the mapping language, used only by this package's tests to check
 * that the catalog and the example build fit together (every field and foreign key a
 * template reads exists in the example bodies).  The planner owns the real evaluator;
 * this one is strict on purpose: a missing field is an error unless ignore_missing.
 */
import type { ConcatenatePart, MappingObject, ParameterMapping, PathHop } from '../template-types.js';
import type { Relations } from '../resource-types.js';

export interface Resource {
  type: string;
  id: string;
  body: Record<string, unknown>;
}

export interface World {
  relations: Relations;
  find(type: string, id: string): Resource | undefined;
}

/** A value known at planning time, or an output of some resource's stack (run time). */
export type Evaluated =
  | { kind: 'value'; value: unknown }
  | { kind: 'output_key'; type: string; id: string; key: string }
  | { kind: 'list'; items: Evaluated[] };

interface Scope {
  self: Resource;
  version: number;
  /** The current element inside for_mapping. */
  element?: unknown;
}

class MissingError extends Error {}

export function evaluate(mapping: ParameterMapping, self: Resource, world: World, version = 1): Evaluated {
  return new Evaluator(world).mapping(mapping, { self, version });
}

class Evaluator {
  constructor(private readonly world: World) {}

  mapping(m: ParameterMapping, scope: Scope): Evaluated {
    if (typeof m === 'string') return this.compact(m, scope);
    try {
      return this.object(m, scope);
    } catch (err) {
      if (m.ignore_missing && err instanceof MissingError) return value('');
      throw err;
    }
  }

  private compact(text: string, scope: Scope): Evaluated {
    const rest = text.slice(1);
    switch (text.charAt(0)) {
      case 'C':
        return value(rest);
      case 'P':
        return value(read(scope.self, rest));
      case 'V':
        return value(scope.version);
      case 'M': {
        const [type = '', fk = '', key = ''] = rest.split(':');
        const target = this.resource(type, read(scope.self, fk));
        return { kind: 'output_key', type, id: target.id, key };
      }
      case 'F': {
        const segments = rest.split(':');
        const field = segments.pop() ?? '';
        let current = scope.self;
        for (const hop of segments) {
          const [type = '', fk = ''] = hop.split('+');
          current = this.resource(type, read(current, fk));
        }
        return value(read(current, field));
      }
      case 'O': {
        const [field = '', ...keys] = rest.split(':');
        return value(keys.reduce<unknown>((at, key) => readKey(at, key, text), read(scope.self, field)));
      }
      case 'A':
        return value(rest.split('&').map((part) => String(plain(this.compact(part, scope)))).join(''));
      default:
        throw new Error(`bad compact mapping ${text}`);
    }
  }

  private object(m: MappingObject, scope: Scope): Evaluated {
    if ('constant' in m) return value(m.constant);
    if (m.version !== undefined) return value(scope.version);
    if (m.nested !== undefined) {
      const [first = '', ...keys] = m.nested;
      return value(keys.reduce<unknown>((at, key) => readKey(at, key, m.nested?.join('.') ?? ''), read(scope.self, first)));
    }
    if (m.concatenate !== undefined) return value(this.concatenate(m.concatenate, scope));
    if (m.if_mapping !== undefined) {
      const branch = this.condition(m.if_mapping, scope) ? m.then_mapping : m.else_mapping;
      if (branch === undefined) throw new Error('if_mapping without a branch');
      return this.mapping(branch, scope);
    }
    if (m.for_field !== undefined) return this.forEach(m, scope);
    if (m.field !== undefined) {
      const target = m.path ? this.walk(m.path, scope) : undefined;
      if (target) return value(read(target, m.field));
      const element = scope.element;
      return value(isRecord(element) ? readKey(element, m.field, m.field) : read(scope.self, m.field));
    }
    if (m.output_key !== undefined) {
      const target = m.path ? this.walk(m.path, scope) : scope.self;
      return { kind: 'output_key', type: target.type, id: target.id, key: m.output_key };
    }
    throw new Error(`mapping has no kind: ${JSON.stringify(m)}`);
  }

  private forEach(m: MappingObject, scope: Scope): Evaluated {
    const source = m.for_field;
    const list = typeof source === 'string' ? read(scope.self, source) : plain(this.mapping(source as ParameterMapping, scope));
    if (!Array.isArray(list)) throw new Error(`for_field did not give a list`);
    if (m.for_mapping === undefined) throw new Error('for_field without for_mapping');
    const items = list.map((element: unknown) => this.mapping(m.for_mapping as ParameterMapping, { ...scope, element }));
    // Output references stay a list param; plain values collapse into one value list.
    return items.some((item) => item.kind !== 'value') ? { kind: 'list', items } : value(items.map(plain));
  }

  /** Follows a path; inside for_mapping the first hop reads its id from the element. */
  private walk(path: PathHop[], scope: Scope): Resource {
    let current = scope.self;
    path.forEach((hop, i) => {
      const element = i === 0 ? scope.element : undefined;
      if (typeof hop === 'string' || 'concatenate' in hop) {
        const fk = typeof hop === 'string' ? hop : this.concatenate(hop.concatenate, scope);
        const type = this.world.relations[current.type]?.[fk];
        if (type === undefined) throw new Error(`no relation ${current.type}.${fk}`);
        current = this.resource(type, isRecord(element) ? readKey(element, fk, fk) : read(current, fk));
      } else if (hop.id === '') {
        current = this.resource(hop.type, element);
      } else {
        current = this.resource(hop.type, isRecord(element) ? readKey(element, hop.id, hop.id) : read(current, hop.id));
      }
    });
    return current;
  }

  private concatenate(parts: ConcatenatePart[], scope: Scope): string {
    return parts.map((part) => (typeof part === 'string' ? part : String(plain(this.mapping(part, scope))))).join('');
  }

  private condition(cond: NonNullable<MappingObject['if_mapping']>, scope: Scope): boolean {
    const operand = (part: ConcatenatePart): unknown => (typeof part === 'string' ? part : plain(this.mapping(part, scope)));
    if ('equal' in cond) return operand(cond.equal[0]) === operand(cond.equal[1]);
    const subject = operand(cond.regexp[0]);
    // Python's re.match: anchored at the start only.
    return typeof subject === 'string' && new RegExp(`^(?:${String(operand(cond.regexp[1]))})`).test(subject);
  }

  private resource(type: string, id: unknown): Resource {
    if (typeof id !== 'string' || id === '') throw new MissingError(`no ${type} id (${JSON.stringify(id)})`);
    const found = this.world.find(type, id);
    if (!found) throw new MissingError(`no ${type} ${id}`);
    return found;
  }
}

function value(v: unknown): Evaluated {
  return { kind: 'value', value: v };
}

function plain(e: Evaluated): unknown {
  if (e.kind !== 'value') throw new Error(`output reference used where a value is needed`);
  return e.value;
}

function read(resource: Resource, field: string): unknown {
  if (!(field in resource.body)) throw new MissingError(`${resource.type} ${resource.id} has no field ${field}`);
  return resource.body[field];
}

function readKey(at: unknown, key: string, what: string): unknown {
  if (!isRecord(at) || !(key in at)) throw new MissingError(`no key ${key} in ${what}`);
  return at[key];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
