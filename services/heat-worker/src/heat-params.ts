/**
 * Splits a job's params the way the original heat_worker did (esi-reference §4.6):
 * `jinja_*` params render the template and are not sent to Heat; `heat_timeout` becomes
 * the stack timeout; everything else is a stack parameter.
 */
import { BadJobInputError } from './errors.js';

export interface HeatCall {
  jinja: Record<string, unknown>;
  parameters: Record<string, unknown>;
  timeoutMins: number | undefined;
}

export function splitHeatParams(values: Record<string, unknown>): HeatCall {
  const jinja: Record<string, unknown> = {};
  const parameters: Record<string, unknown> = {};
  let timeoutMins: number | undefined;
  for (const [name, value] of Object.entries(values)) {
    if (name.startsWith('jinja_')) jinja[name] = value;
    else if (name === 'heat_timeout') timeoutMins = parseTimeout(value);
    else parameters[name] = value;
  }
  return { jinja, parameters, timeoutMins };
}

// Absent (null, '') means the backend's default; anything else must be a positive
// number of minutes, or the job would silently run without the limit it asked for.
function parseTimeout(value: unknown): number | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : NaN;
  if (!Number.isFinite(n) || n <= 0) {
    throw new BadJobInputError(`Parameter 'heat_timeout' is invalid: expected a positive number of minutes, got ${JSON.stringify(value)}`);
  }
  return n;
}
