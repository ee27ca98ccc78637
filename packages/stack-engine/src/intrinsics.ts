import { IntrinsicError } from './errors.js';
import { heatText, isPlainObject } from './heat-text.js';

/** What function evaluation may ask of the stack it runs in. */
export interface IntrinsicScope {
  /** The resolved value of a declared parameter. */
  param(name: string): unknown;
  /** The physical id of a resource that has been created. */
  resourceId(name: string): string;
  /** One attribute of a created resource; throws AttributeUnavailableError when absent. */
  attribute(resource: string, attribute: string): unknown;
  /** Every attribute of a created resource (get_attr without an attribute name). */
  attributes(resource: string): Record<string, unknown>;
}

type Resolver = (node: unknown) => unknown;
type IntrinsicFn = (args: unknown, scope: IntrinsicScope, resolve: Resolver) => unknown;

function fail(message: string): never {
  throw new IntrinsicError(message);
}

// Heat's path semantics: maps by key, lists by integer (a numeric string counts), and a
// path that leads nowhere is not an error but an empty result.
function followPath(value: unknown, path: readonly unknown[], fn: string, missing: unknown): unknown {
  let current = value;
  for (const key of path) {
    if (typeof key !== 'string' && typeof key !== 'number') fail(`Path components in "${fn}" must be strings`);
    if (Array.isArray(current)) {
      const index = typeof key === 'number' ? key : /^-?\d+$/.test(key) ? Number(key) : NaN;
      if (!Number.isInteger(index)) return missing;
      current = current[index < 0 ? current.length + index : index];
    } else if (isPlainObject(current)) {
      current = Object.hasOwn(current, String(key)) ? current[String(key)] : undefined;
    } else {
      return missing;
    }
    if (current === undefined) return missing;
  }
  return current;
}

function asList(value: unknown, fn: string, what: string): unknown[] {
  if (!Array.isArray(value)) fail(`"${fn}" ${what} must be a list`);
  return value;
}

const getParam: IntrinsicFn = (rawArgs, scope, resolve) => {
  const args = resolve(rawArgs);
  const [name, ...path] = Array.isArray(args) ? args : [args];
  if (typeof name !== 'string') fail('Function "get_param" must have a parameter name as its first argument');
  return followPath(scope.param(name), path, 'get_param', '');
};

const getResource: IntrinsicFn = (rawArgs, scope, resolve) => {
  const name = resolve(rawArgs);
  if (typeof name !== 'string') fail('Argument to "get_resource" must be a resource name');
  return scope.resourceId(name);
};

const getAttr: IntrinsicFn = (rawArgs, scope, resolve) => {
  const args = resolve(rawArgs);
  if (!Array.isArray(args) || args.length < 1 || typeof args[0] !== 'string') {
    fail('Arguments to "get_attr" must be of the form [resource_name, attribute, (path), ...]');
  }
  const [resource, attribute, ...path] = args as [string, ...unknown[]];
  if (attribute === undefined) return scope.attributes(resource);
  if (typeof attribute !== 'string') fail('Attribute name in "get_attr" must be a string');
  return followPath(scope.attribute(resource, attribute), path, 'get_attr', null);
};

const strReplace: IntrinsicFn = (rawArgs, _scope, resolve) => {
  const args = resolve(rawArgs);
  if (!isPlainObject(args)) fail('Arguments to "str_replace" must be a mapping with template and params');
  const { template, params } = args;
  if (typeof template !== 'string') fail('"str_replace" template must be a string');
  if (!isPlainObject(params)) fail('"str_replace" parameters must be a mapping');
  const keys = Object.keys(params).filter((k) => k !== '');
  if (keys.length === 0) return template;
  // One pass, longest placeholder first, so `$VRF_NAME` never eats the start of
  // `$VRF_NAME_IN` and replaced text is never replaced again.
  keys.sort((a, b) => b.length - a.length);
  const pattern = new RegExp(keys.map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  return template.replace(pattern, (match) => heatText(params[match]));
};

const listJoin: IntrinsicFn = (rawArgs, _scope, resolve) => {
  const args = asList(resolve(rawArgs), 'list_join', 'arguments');
  const [delimiter, ...lists] = args;
  if (typeof delimiter !== 'string') fail('"list_join" delimiter must be a string');
  if (lists.length === 0) fail('"list_join" needs a list to join');
  const items = lists.flatMap((list) => asList(list, 'list_join', 'argument'));
  return items.map((item) => heatText(item)).join(delimiter);
};

const strSplit: IntrinsicFn = (rawArgs, _scope, resolve) => {
  const [delimiter, text, index] = asList(resolve(rawArgs), 'str_split', 'arguments');
  if (typeof delimiter !== 'string' || typeof text !== 'string') fail('"str_split" takes a delimiter and a string');
  const parts = text.split(delimiter);
  if (index === undefined) return parts;
  const i = Number(index);
  if (!Number.isInteger(i) || i < 0 || i >= parts.length) fail(`"str_split" index ${String(index)} is out of range`);
  return parts[i];
};

// The CloudFormation-style functions that 2013-05-23 HOT templates may still use
// (the G1 ese_device_new builds its router list with Fn::Join/Fn::Split).
const fnJoin: IntrinsicFn = (rawArgs, _scope, resolve) => {
  const [delimiter, list, ...rest] = asList(resolve(rawArgs), 'Fn::Join', 'arguments');
  if (typeof delimiter !== 'string' || rest.length > 0) fail('Arguments to "Fn::Join" must be [delimiter, list]');
  return asList(list, 'Fn::Join', 'argument').map((item) => heatText(item)).join(delimiter);
};

const fnSplit: IntrinsicFn = (rawArgs, _scope, resolve) => {
  const [delimiter, text] = asList(resolve(rawArgs), 'Fn::Split', 'arguments');
  if (typeof delimiter !== 'string' || typeof text !== 'string') fail('Arguments to "Fn::Split" must be [delimiter, string]');
  return text.split(delimiter);
};

const fnSelect: IntrinsicFn = (rawArgs, _scope, resolve) => {
  const [index, collection] = asList(resolve(rawArgs), 'Fn::Select', 'arguments');
  if (collection === null || collection === undefined) return '';
  return followPath(collection, [typeof index === 'number' ? index : heatText(index)], 'Fn::Select', '');
};

const FUNCTIONS: Readonly<Record<string, IntrinsicFn>> = {
  get_param: getParam,
  get_resource: getResource,
  get_attr: getAttr,
  str_replace: strReplace,
  list_join: listJoin,
  str_split: strSplit,
  'Fn::Join': fnJoin,
  'Fn::Split': fnSplit,
  'Fn::Select': fnSelect,
};

/** A one-key mapping whose key names a function; anything else is plain data (as in Heat). */
function asCall(node: unknown): [string, unknown] | undefined {
  if (!isPlainObject(node)) return undefined;
  const keys = Object.keys(node);
  const key = keys[0];
  if (keys.length !== 1 || key === undefined || !Object.hasOwn(FUNCTIONS, key)) return undefined;
  return [key, node[key]];
}

/** Evaluate every intrinsic function inside a template snippet. */
export function resolveIntrinsics(node: unknown, scope: IntrinsicScope): unknown {
  const resolve: Resolver = (n) => resolveIntrinsics(n, scope);
  const call = asCall(node);
  if (call) {
    const [fn, args] = call;
    return FUNCTIONS[fn]!(args, scope, resolve);
  }
  if (Array.isArray(node)) return node.map(resolve);
  if (isPlainObject(node)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) out[k] = resolve(v);
    return out;
  }
  return node;
}

export interface References {
  /** Resources named by get_resource or get_attr. */
  readonly resources: Set<string>;
  /** Parameters named by get_param. */
  readonly params: Set<string>;
}

/** Collect what a snippet refers to without evaluating it (for ordering and validation). */
export function findReferences(node: unknown, into: References = { resources: new Set(), params: new Set() }): References {
  const call = asCall(node);
  if (call) {
    const [fn, args] = call;
    const first = Array.isArray(args) ? args[0] : args;
    if (typeof first === 'string') {
      if (fn === 'get_resource' || fn === 'get_attr') into.resources.add(first);
      if (fn === 'get_param') into.params.add(first);
    }
    findReferences(args, into);
  } else if (Array.isArray(node)) {
    for (const item of node) findReferences(item, into);
  } else if (isPlainObject(node)) {
    for (const value of Object.values(node)) findReferences(value, into);
  }
  return into;
}
