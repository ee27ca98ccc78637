import { errorMessage } from './errors.js';
import type { OutputDefinition } from './hot-parser.js';
import { resolveIntrinsics, type IntrinsicScope } from './intrinsics.js';
import type { HeatOutput } from '@esi/contracts';

/** Heat's text for an output declared without a description. */
export const NO_DESCRIPTION = 'No description given';

/**
 * Evaluate the outputs in template order. An output that cannot be evaluated does not
 * fail the stack: like Heat it carries `output_value: null` and the error text. Keys are
 * set in the order the recorded stacks show them.
 */
export function evaluateOutputs(outputs: readonly OutputDefinition[], scope: IntrinsicScope): HeatOutput[] {
  return outputs.map((output) => {
    const description = output.description ?? NO_DESCRIPTION;
    try {
      const value = resolveIntrinsics(output.value, scope);
      return { output_value: value ?? null, description, output_key: output.key };
    } catch (error) {
      return { output_value: null, output_error: errorMessage(error), description, output_key: output.key };
    }
  });
}
