/**
 * Splits a job's params the way the original heat_worker did (esi-reference §4.6):
 * `jinja_*` params render the template and are not sent to Heat; `heat_timeout` becomes
 * the stack timeout; everything else is a stack parameter.
 */
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
    else if (name === 'heat_timeout') {
      const n = Number(value);
      timeoutMins = Number.isFinite(n) && n > 0 ? n : undefined;
    } else parameters[name] = value;
  }
  return { jinja, parameters, timeoutMins };
}
