import { compactToObject } from './compact-mapping.js';
import { isPlainObject } from './json.js';
import type { Relations } from './types.js';

/**
 * What a mapping can reach, found by reading the mapping instead of running it: every hop
 * it may follow from one resource into another, and every field it may read. The api
 * checks each hop for tenant when a resource is written and decides from the fields read
 * which job params carry secrets, so both lists must come from the templates themselves.
 * A branch that cannot be decided statically (if/else, a computed foreign key) counts
 * with every alternative: the lists over-approximate, never miss.
 */

/** A field of one resource type that a mapping follows into a resource of `targetType`. */
export interface MappingHop {
  sourceType: string;
  /** Where the id sits in the source body: `device_id`, `fixed_ips[].subnet_id`, `port_ids[]`. */
  field: string;
  targetType: string;
  /**
   * The hop is followed only when the source body's `field` equals `equals` (the port's
   * `device_owner` = "network:gw_interface" before `device_id` is a gw_interface).
   */
  when?: { field: string; equals: unknown };
}

/** A field a mapping reads, of a resource of `type`. */
export interface FieldRead {
  type: string;
  field: string;
}

export interface MappingReach {
  hops: MappingHop[];
  reads: FieldRead[];
}

interface StaticScope {
  type: string;
  /** Inside for_mapping: the path of the loop's list in the body (`fixed_ips[]`). */
  loopList?: string;
  /** The guard of the branch being walked; only hops out of the planned resource carry it. */
  when?: MappingHop['when'];
}

/** Hops and reads of one mapping evaluated on a resource of `startType`. */
export function mappingReach(mapping: unknown, startType: string, relations: Relations): MappingReach {
  const out: MappingReach = { hops: [], reads: [] };
  walk(mapping, { type: startType }, relations, out);
  return out;
}

function walk(mapping: unknown, scope: StaticScope, relations: Relations, out: MappingReach): void {
  let m: Record<string, unknown>;
  if (typeof mapping === 'string') {
    try {
      m = compactToObject(mapping);
    } catch {
      return; // a malformed mapping reaches nothing; the template check refuses it anyway
    }
  } else if (isPlainObject(mapping)) m = mapping;
  else return;

  if (typeof m.field === 'string' || m.output_key !== undefined) {
    for (const end of walkPath(m.path, scope, relations, out)) {
      if (typeof m.field === 'string') readField(end, m.field, relations, out);
    }
  } else if (Array.isArray(m.concatenate)) {
    for (const part of m.concatenate) if (typeof part !== 'string') walk(part, scope, relations, out);
  } else if (m.if_mapping !== undefined) {
    walkCondition(m.if_mapping, scope, relations, out);
    walk(m.then_mapping, { ...scope, when: scope.when ?? guardOf(m.if_mapping, scope) }, relations, out);
    walk(m.else_mapping, scope, relations, out);
  } else if (m.for_field !== undefined) {
    for (const element of loopScopes(m.for_field, scope, relations, out)) walk(m.for_mapping, element, relations, out);
  }
}

/** The scopes a for_mapping runs in: the elements of a list on this resource or at the end of a path. */
function loopScopes(forField: unknown, scope: StaticScope, relations: Relations, out: MappingReach): StaticScope[] {
  if (typeof forField === 'string' && forField !== '') {
    readField(scope, forField, relations, out);
    return [{ type: scope.type, loopList: `${listPrefix(scope)}${forField}[]`, when: scope.when }];
  }
  if (isPlainObject(forField) && typeof forField.field === 'string') {
    const field = forField.field;
    return walkPath(forField.path, scope, relations, out).map((end) => {
      readField(end, field, relations, out);
      return { type: end.type, loopList: `${listPrefix(end)}${field}[]`, when: end.when };
    });
  }
  walk(forField, scope, relations, out);
  return [];
}

function listPrefix(scope: StaticScope): string {
  return scope.loopList === undefined ? '' : `${scope.loopList}.`;
}

function readField(scope: StaticScope, field: string, relations: Relations, out: MappingReach): void {
  out.reads.push({ type: scope.type, field });
  // Reading a foreign key makes the job depend on what it names (field-reading.ts), so the
  // key is a hop even when nothing is fetched through it. Loop elements are not resources.
  const target = scope.loopList === undefined ? relations[scope.type]?.[field] : undefined;
  if (target !== undefined) addHop(out, scope, field, target);
}

function addHop(out: MappingReach, scope: StaticScope, fk: string, targetType: string): void {
  const hop: MappingHop = { sourceType: scope.type, field: `${listPrefix(scope)}${fk}`, targetType };
  if (scope.when) hop.when = scope.when;
  out.hops.push(hop);
}

/** Every scope a path may end in (a computed key may name several foreign keys). */
function walkPath(rawPath: unknown, start: StaticScope, relations: Relations, out: MappingReach): StaticScope[] {
  if (rawPath === undefined) return [start];
  if (!Array.isArray(rawPath)) return [];
  let scopes = [start];
  for (const raw of rawPath) scopes = scopes.flatMap((scope) => followHop(raw, scope, relations, out));
  return scopes;
}

/** A hop leaves the planned resource, so the branch guard of the start no longer applies. */
function followHop(raw: unknown, scope: StaticScope, relations: Relations, out: MappingReach): StaticScope[] {
  const to = (targetType: string): StaticScope => ({ type: targetType });
  if (typeof raw === 'string' && raw !== '') {
    const target = relations[scope.type]?.[raw];
    if (target === undefined) return [];
    out.reads.push({ type: scope.type, field: raw });
    addHop(out, scope, raw, target);
    return [to(target)];
  }
  if (!isPlainObject(raw)) return [];
  if (Array.isArray(raw.concatenate)) {
    walk(raw, scope, relations, out);
    const pattern = fieldPattern(raw.concatenate);
    return Object.entries(relations[scope.type] ?? {})
      .filter(([fk]) => pattern.test(fk))
      .map(([fk, target]) => {
        out.reads.push({ type: scope.type, field: fk });
        addHop(out, scope, fk, target);
        return to(target);
      });
  }
  const { id, type } = raw;
  if (typeof id !== 'string') return [];
  if (typeof type !== 'string' || type === '') {
    return followHop(id, scope, relations, out);
  }
  if (id === '') {
    if (scope.loopList === undefined) return [];
    const hop: MappingHop = { sourceType: scope.type, field: scope.loopList, targetType: type };
    if (scope.when) hop.when = scope.when;
    out.hops.push(hop);
    return [to(type)];
  }
  out.reads.push({ type: scope.type, field: id });
  addHop(out, scope, id, type);
  return [to(type)];
}

/** Literal text stays literal; anything computed may be any text. */
function fieldPattern(parts: unknown[]): RegExp {
  const source = parts
    .map((part) => {
      const literal = typeof part === 'string' ? part : isPlainObject(part) && typeof part.constant === 'string' ? part.constant : undefined;
      return literal === undefined ? '.*' : literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${source}$`);
}

function walkCondition(condition: unknown, scope: StaticScope, relations: Relations, out: MappingReach): void {
  if (!isPlainObject(condition)) return;
  for (const operands of Object.values(condition)) {
    if (Array.isArray(operands)) for (const operand of operands) if (typeof operand !== 'string') walk(operand, scope, relations, out);
  }
}

/** `{"equal": [{"field": f}, {"constant": c}]}` on the planned resource itself guards the then branch. */
function guardOf(condition: unknown, scope: StaticScope): MappingHop['when'] {
  if (scope.loopList !== undefined || !isPlainObject(condition) || !Array.isArray(condition.equal)) return undefined;
  const [a, b] = condition.equal as unknown[];
  const fieldOf = (x: unknown) => (isPlainObject(x) && typeof x.field === 'string' && x.path === undefined && Object.keys(x).length === 1 ? x.field : undefined);
  const constantOf = (x: unknown) => (isPlainObject(x) && Object.hasOwn(x, 'constant') && Object.keys(x).length === 1 ? { v: x.constant } : undefined);
  const field = fieldOf(a) ?? fieldOf(b);
  const constant = constantOf(b) ?? constantOf(a);
  return field !== undefined && constant !== undefined ? { field, equals: constant.v } : undefined;
}
