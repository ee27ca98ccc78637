/**
 * @huggingface/jinja as this package uses it, typed here: the library's declaration files
 * import each other without extensions, which NodeNext resolution cannot follow, so its
 * own types arrive as `any`. These are the few members we call, as version 0.5.13 has
 * them (pinned exactly: sandbox.ts also hooks three of its private methods).
 */
import * as jinja from '@huggingface/jinja';

export interface AstNode {
  type: string;
  [field: string]: unknown;
}
export type Program = AstNode;

export interface RuntimeValue {
  type: string;
  value: unknown;
  toString(): string;
}

export interface JinjaEnvironment {
  /** Declares a variable, converting a JavaScript value into a runtime value. */
  set(name: string, value: unknown): RuntimeValue;
}

/** The interpreter's methods sandbox.ts hooks. */
export interface InterpreterInternals {
  evaluate(node: AstNode | undefined, env: JinjaEnvironment): RuntimeValue;
  renderBlock(statements: AstNode[], env: JinjaEnvironment): string;
  applyFilter(operand: RuntimeValue, filter: AstNode, env: JinjaEnvironment): RuntimeValue;
}

export interface JinjaInterpreter {
  run(program: Program): RuntimeValue;
}

export const Environment = jinja.Environment as unknown as new (parent?: JinjaEnvironment) => JinjaEnvironment;
export const Interpreter = jinja.Interpreter as unknown as new (env: JinjaEnvironment) => JinjaInterpreter;
export const tokenize = jinja.tokenize as unknown as (source: string, options: { lstrip_blocks?: boolean; trim_blocks?: boolean }) => unknown[];
export const parse = jinja.parse as unknown as (tokens: unknown[]) => Program;
