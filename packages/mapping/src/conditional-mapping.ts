import { badData, badMapping } from './errors.js';
import { type Env, type Evaluated, type Scope, evaluateOperand, materialize, plainValue } from './evaluation.js';
import { isPlainObject, jsonEqual, preview } from './json.js';
import { pythonMatch } from './python-regex.js';

type Operator = 'equal' | 'regexp';

export function parseCondition(raw: unknown): { operator: Operator; operands: [unknown, unknown] } {
  if (isPlainObject(raw)) {
    const keys = Object.keys(raw);
    const operator = keys[0];
    const operands = operator === undefined ? undefined : raw[operator];
    if (keys.length === 1 && (operator === 'equal' || operator === 'regexp') && Array.isArray(operands) && operands.length === 2) {
      return { operator, operands: [operands[0], operands[1]] };
    }
  }
  throw badMapping(`if_mapping must be {"equal": [a, b]} or {"regexp": [value, pattern]}, got ${preview(raw)}`);
}

async function holds(condition: unknown, scope: Scope, env: Env): Promise<boolean> {
  const { operator, operands } = parseCondition(condition);
  const [left, right] = await Promise.all([evaluateOperand(operands[0], scope, env), evaluateOperand(operands[1], scope, env)]);
  const value = materialize(left);
  const other = materialize(right);
  if (operator === 'equal') return jsonEqual(value, other);
  if (typeof other !== 'string') throw badMapping(`regexp pattern is ${preview(other)}, not a string`);
  if (typeof value !== 'string') throw badData(`regexp value is ${preview(value)}, not a string`);
  return pythonMatch(other, value);
}

/**
 * `{"if_mapping": COND, "then_mapping": M, "else_mapping": M}`. Only the branch taken
 * contributes resources (§3.4): the condition's own reads do not create dependencies. An
 * absent branch yields null, the same as the `{"constant": null}` the templates write.
 */
export async function evaluateConditional(mapping: Record<string, unknown>, scope: Scope, env: Env): Promise<Evaluated> {
  const branch = (await holds(mapping.if_mapping, scope, env)) ? mapping.then_mapping : mapping.else_mapping;
  if (branch === undefined) return plainValue(null);
  return env.evaluate(branch, scope);
}
