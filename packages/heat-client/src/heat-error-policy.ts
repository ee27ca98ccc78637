/**
 * What each Heat error means for the caller, decided from Heat's own error `type`
 * (`{"error": {"type": …}}`, the Python exception's class name) and the HTTP status.
 * One table, so the client's retries and the worker's decisions cannot disagree; the
 * heat-worker README lists it.
 *
 * Heat answers 400 for far more than bad templates (its fault middleware maps
 * NotSupported and RequestLimitExceeded to 400 too), so the status alone is not enough.
 */

/**
 * - `retry`: repeat the same request now, with backoff (and Retry-After); when the
 *   client's tries run out the job is tried again on a later delivery.
 * - `later`: repeating within seconds cannot help, a later delivery of the job can
 *   (Heat is finishing a delete, the project is at its stack limit).
 * - `reauth`: the token died; issue a new one and repeat once.
 * - `gone`: the stack is not there (lookup/show: absent; delete: done).
 * - `conflict`: the name is taken or the stack is busy; the driver looks at the stack.
 * - `input`: the template or its parameters; fail the job now, naming the template.
 * - `fail`: fail the job now (no permission, a request Heat will never accept).
 */
export type HeatDecision = 'retry' | 'later' | 'reauth' | 'gone' | 'conflict' | 'input' | 'fail';

export function heatErrorDecision(status: number, type: string, message: string): HeatDecision {
  if (status === 401) return 'reauth';
  if (status === 404) return 'gone';
  if (status === 409) return 'conflict';
  if (status === 429 || status >= 500) return 'retry';
  // A body over Heat's max_json_body_size: the rendered template is too big.
  if (status === 413) return 'input';
  if (status === 400) return badRequestDecision(type, message);
  return 'fail';
}

function badRequestDecision(type: string, message: string): HeatDecision {
  switch (type) {
    case 'NotSupported':
      // "Updating a stack when it is deleting is not supported.": once the delete ends
      // the next delivery finds no stack and creates it. Other unsupported things (a
      // suspended stack) wait for an operator.
      return /delet/i.test(message) ? 'later' : 'fail';
    case 'RequestLimitExceeded':
      // The project's stack quota frees up as stacks are deleted; the other limits
      // (template size, resources per stack) are the template's.
      return /stacks per (tenant|project)/i.test(message) ? 'later' : 'input';
    default:
      // StackValidationFailed, InvalidTemplateReference, InvalidTemplateVersion,
      // UserParameterMissing, HTTPBadRequest ("Data supplied was not valid"), …
      return 'input';
  }
}
