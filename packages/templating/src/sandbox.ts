/**
 * Jinja in a sandbox: @huggingface/jinja's interpreter evaluates templates over its own
 * runtime values (no path from template text to JavaScript's prototypes, constructors
 * or globals), with three hooks of ours on its prototype:
 *   - every evaluation counts against the step and time budget, every string built
 *     against the size budget;
 *   - each `{{ … }}` output is framed by private-use markers, so the YAML layer knows
 *     which characters came from values and which from the template;
 *   - the `match` filter of the original (Python re.match, linear-time RE2).
 * The hooks reach methods the library declares private, so its version is pinned
 * exactly; the catalog render tests fail if a new version moves them.
 */
import { pythonMatch } from '@esi/mapping';
import { checkAllowedSyntax } from './allowed-syntax.js';
import { TemplateBudgetError, TemplateRenderError } from './errors.js';
import {
  Environment,
  Interpreter,
  parse,
  tokenize,
  type AstNode,
  type InterpreterInternals as Internals,
  type JinjaEnvironment,
  type Program,
  type RuntimeValue,
} from './jinja-library.js';
import type { RenderLimits } from './limits.js';
import { RecentMap } from '@esi/recent-map';

/** Frames a value's text in the output; JSON marks a list or mapping printed whole. */
export const VALUE_OPEN = '\uE000';
export const STRUCTURED_OPEN = '\uE001';
export const VALUE_CLOSE = '\uE002';
const MARKERS = /[\uE000-\uE002]/g;
const HAS_MARKER = /[\uE000-\uE002]/;

const base = Interpreter.prototype as unknown as Internals;
/** Statements whose output is template text or made of nested blocks, not a value. */
const TEMPLATE_TEXT = new Set(['StringLiteral', 'If', 'For', 'Set', 'Comment']);
// The library exports no value classes; a converted boolean gives us BooleanValue.
const BooleanValue = new Environment().set('probe', true).constructor as new (v: boolean) => RuntimeValue;

export interface RenderOptions {
  limits: RenderLimits;
  /** Printing an undefined or null value fails the render (catalog tests: a template bug). */
  strictUndefined?: boolean;
}

class BudgetedInterpreter extends Interpreter {
  steps = 0;
  readonly deadline: number;
  readonly limits: RenderLimits;
  constructor(
    env: JinjaEnvironment,
    readonly options: RenderOptions,
  ) {
    super(env);
    this.limits = options.limits;
    this.deadline = Date.now() + this.limits.maxMillis;
  }
}
interface Budgeted extends Internals {
  steps: number;
  deadline: number;
  limits: RenderLimits;
  options: RenderOptions;
}

const hooks: Partial<Internals> & ThisType<Budgeted> = {
  evaluate(node, env) {
    tick(this);
    const result = base.evaluate.call(this, node, env);
    if (typeof result.value === 'string' && result.value.length > this.limits.maxChars) tooLong(this.limits);
    return result;
  },
  renderBlock(statements, env) {
    // A loop renders its body once per element: counted even when the body is empty.
    tick(this);
    let out = '';
    for (const statement of statements) {
      if (TEMPLATE_TEXT.has(statement.type)) {
        out += base.renderBlock.call(this, [statement], env);
      } else {
        const value = this.evaluate(statement, env);
        const empty = value.type === 'NullValue' || value.type === 'UndefinedValue';
        if (empty && this.options.strictUndefined) throw new TemplateRenderError(`Template printed an undefined or null value (${describeNode(statement)})`);
        if (!empty) {
          const structured = value.type === 'ArrayValue' || value.type === 'ObjectValue';
          out += (structured ? STRUCTURED_OPEN : VALUE_OPEN) + value.toString().replace(MARKERS, '') + VALUE_CLOSE;
        }
      }
      if (out.length > this.limits.maxChars) tooLong(this.limits);
    }
    return out;
  },
  applyFilter(operand, filter, env) {
    const callee = filter.type === 'CallExpression' ? (filter.callee as AstNode) : undefined;
    if (callee?.type === 'Identifier' && callee.value === 'match') {
      const [pattern] = (filter.args as AstNode[]).map((arg) => this.evaluate(arg, env));
      if (operand.type === 'UndefinedValue' || operand.type === 'NullValue') return new BooleanValue(false);
      if (typeof pattern?.value !== 'string') throw new TemplateRenderError('match() takes a pattern string');
      return new BooleanValue(pythonMatch(pattern.value, operand.toString()));
    }
    return base.applyFilter.call(this, operand, filter, env);
  },
};
Object.assign(BudgetedInterpreter.prototype, hooks);

function tick(run: Budgeted): void {
  run.steps += 1;
  if (run.steps > run.limits.maxSteps) throw new TemplateBudgetError(`Template rendering stopped: more than ${run.limits.maxSteps} steps`);
  if ((run.steps & 255) === 0 && Date.now() > run.deadline) throw new TemplateBudgetError(`Template rendering stopped: more than ${run.limits.maxMillis} ms`);
}

function describeNode(node: AstNode): string {
  if (node.type === 'Identifier') return String(node.value);
  if (node.type === 'MemberExpression') return `${describeNode(node.object as AstNode)}.${describeNode(node.property as AstNode)}`;
  return node.type;
}

function tooLong(limits: RenderLimits): never {
  throw new TemplateBudgetError(`Template rendering stopped: output or a string in it exceeds ${limits.maxChars} characters`);
}

const COMPILED_KEPT = 256;
const compiledCache = new RecentMap<string, Program>(COMPILED_KEPT);

/**
 * Parse once per template text (a catalog holds a few dozen, each rendered for every
 * job), checking the allowed syntax; syntax errors are not cached.
 */
export function compile(templateFile: string): Program {
  const hit = compiledCache.get(templateFile);
  if (hit) return hit;
  if (HAS_MARKER.test(templateFile)) throw new TemplateRenderError('Template text may not contain characters U+E000–U+E002');
  // Jinja normalises newlines; without keep_trailing_newline it drops one final newline
  // (the lexer does that part). No trim_blocks/lstrip_blocks: Jinja2's defaults.
  const source = templateFile.replace(/\r\n?/g, '\n');
  let program: Program;
  try {
    program = parse(tokenize(source, {}));
  } catch (cause) {
    throw new TemplateRenderError(`Template rendering failed: the template does not parse: ${(cause as Error).message}`, { cause });
  }
  checkAllowedSyntax(program);
  compiledCache.set(templateFile, program);
  return program;
}

/** Renders to text in which every printed value is framed by the markers above. */
export function renderFramed(templateFile: string, context: Record<string, unknown>, options: RenderOptions): string {
  const { limits } = options;
  const program = compile(templateFile);
  const globals = new Environment();
  for (const [name, value] of Object.entries(GLOBALS)) globals.set(name, value);
  globals.set('range', (start: number, stop?: number, step = 1) => boundedRange(limits.maxRange, start, stop, step));
  const scope = new Environment(globals);
  for (const [name, value] of Object.entries(context)) scope.set(name, value);
  try {
    return new BudgetedInterpreter(scope, options).run(program).toString();
  } catch (cause) {
    if (cause instanceof TemplateRenderError) throw cause;
    throw new TemplateRenderError(`Template rendering failed: ${(cause as Error).message}`, { cause });
  }
}

const GLOBALS = { true: true, false: false, none: null, True: true, False: false, None: null };

function boundedRange(max: number, start: number, stop: number | undefined, step: number): number[] {
  const [from, to] = stop === undefined ? [0, start] : [start, stop];
  if (![from, to, step].every(Number.isInteger) || step === 0) throw new TemplateRenderError('range() takes integers and a step other than 0');
  const count = Math.max(0, Math.ceil((to - from) / step));
  if (count > max) throw new TemplateBudgetError(`Template rendering stopped: range() of ${count} elements (at most ${max})`);
  return Array.from({ length: count }, (_, i) => from + i * step);
}

export function unframe(framed: string): string {
  return framed.replace(MARKERS, '');
}
