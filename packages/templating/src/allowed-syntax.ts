/**
 * The Jinja subset templates may use, checked on the parsed template before it ever
 * runs. The interpreter is already a sandbox (values are its own runtime objects, with no
 * path to JavaScript's prototypes or globals); this list keeps templates to what is cheap
 * to evaluate and what the catalog needs, so a new construct is a decision, not an accident.
 */
import { TemplateNotAllowedError } from './errors.js';

interface Node {
  type: string;
  [field: string]: unknown;
}

const STATEMENTS = new Set(['Program', 'If', 'For', 'Set', 'Break', 'Continue', 'Comment']);
const EXPRESSIONS = new Set([
  'Identifier',
  'StringLiteral',
  'IntegerLiteral',
  'FloatLiteral',
  'ArrayLiteral',
  'TupleLiteral',
  'ObjectLiteral',
  'MemberExpression',
  'CallExpression',
  'BinaryExpression',
  'UnaryExpression',
  'FilterExpression',
  'TestExpression',
  'SelectExpression',
  'SliceExpression',
  'Ternary',
]);

export const FILTERS: ReadonlySet<string> = new Set([
  'match', 'replace', 'string', 'upper', 'lower', 'title', 'capitalize', 'trim', 'indent',
  'default', 'd', 'length', 'join', 'first', 'last', 'int', 'float', 'abs', 'list', 'tojson',
]);
const METHODS = new Set(['split', 'replace', 'upper', 'lower', 'strip', 'lstrip', 'rstrip', 'startswith', 'endswith', 'title', 'capitalize', 'items', 'keys', 'values', 'get']);
const FUNCTIONS = new Set(['range']);
/** `indent(n)` multiplies a string's length by up to n + 1. */
const MAX_INDENT = 64;

export function checkAllowedSyntax(program: unknown): void {
  walk(program as Node);
}

function walk(node: Node): void {
  if (node.type === 'FilterExpression') {
    walk(node.operand as Node);
    checkFilter(node.filter as Node);
    return;
  }
  if (node.type === 'CallExpression') checkCall(node);
  else if (node.type === 'MemberExpression') checkMember(node);
  else if (!STATEMENTS.has(node.type) && !EXPRESSIONS.has(node.type)) refuse(`${describe(node.type)} is not supported`);
  for (const child of children(node)) walk(child);
}

function checkFilter(filter: Node): void {
  const call = filter.type === 'CallExpression' ? filter : undefined;
  const name = identifierName(call ? (call.callee as Node) : filter);
  if (name === undefined || !FILTERS.has(name)) refuse(`filter ${name ?? '(computed)'} is not supported; filters: ${[...FILTERS].join(', ')}`);
  if (!call) return;
  const args = call.args as Node[];
  checkGrowth(name, args);
  for (const arg of args) walk(arg);
}

function checkCall(call: Node): void {
  const callee = call.callee as Node;
  const name = identifierName(callee);
  if (name !== undefined) {
    if (!FUNCTIONS.has(name)) refuse(`function ${name}() is not supported`);
  } else if (callee.type === 'MemberExpression' && !callee.computed) {
    const method = identifierName(callee.property as Node);
    if (method === undefined || !METHODS.has(method)) refuse(`method .${method ?? '?'}() is not supported; methods: ${[...METHODS].join(', ')}`);
    checkGrowth(method, call.args as Node[]);
  } else {
    refuse('only named functions and methods may be called');
  }
}

function checkMember(member: Node): void {
  if (member.computed) return;
  const name = identifierName(member.property as Node);
  // The interpreter has no such members anyway; refusing them states the rule.
  if (name === undefined || name.startsWith('_') || name === 'constructor' || name === 'prototype') refuse(`attribute ${name ?? '?'} is not accessible`);
}

/** Arguments that decide how much a call can grow a string must be written in the template. */
function checkGrowth(name: string, args: Node[]): void {
  if (name === 'replace') {
    const [from, to] = args;
    if (args.length !== 2 || from?.type !== 'StringLiteral' || to?.type !== 'StringLiteral' || from.value === '') {
      refuse('replace() takes two string literals, the first not empty');
    }
  }
  if (name === 'indent') {
    const [width] = args;
    if (args.length > 1 || (width && (width.type !== 'IntegerLiteral' || (width.value as number) > MAX_INDENT))) {
      refuse(`indent() takes at most one integer literal up to ${MAX_INDENT}`);
    }
  }
}

function children(node: Node): Node[] {
  const out: Node[] = [];
  const add = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(add);
    else if (value instanceof Map) {
      for (const [k, v] of value) {
        add(k);
        add(v);
      }
    }
    else if (isNode(value)) out.push(value);
  };
  // `operator` holds a lexer token (it has a `type` too), not a node.
  for (const [field, value] of Object.entries(node)) if (field !== 'type' && field !== 'operator') add(value);
  return out;
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && typeof (value as Node).type === 'string';
}

function identifierName(node: Node): string | undefined {
  return node.type === 'Identifier' && typeof node.value === 'string' ? node.value : undefined;
}

function describe(type: string): string {
  const statement: Record<string, string> = { Macro: 'a macro', CallStatement: 'a call block', FilterStatement: 'a filter block' };
  return statement[type] ?? `${type}`;
}

function refuse(message: string): never {
  throw new TemplateNotAllowedError(`Template not allowed: ${message}`);
}
