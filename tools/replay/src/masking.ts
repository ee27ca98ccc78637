/**
 * Makes the seed comparable with our run: the seed's ids and example data are swapped
 * for ours, job-id suffixes are masked, and values a backend makes up (stack output
 * uuids) are masked. Everything else must match exactly.
 */
export type Substitutions = Map<string | number, string | number>;

const UUIDISH = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$|^[0-9a-f]{32}$/;

export function substitute(value: unknown, subs: Substitutions): unknown {
  if (typeof value === 'string') {
    if (subs.has(value)) return subs.get(value);
    let s = value;
    for (const [from, to] of subs) if (typeof from === 'string' && UUIDISH.test(from)) s = s.split(from).join(String(to));
    return s;
  }
  if (typeof value === 'number') return subs.has(value) ? subs.get(value) : value;
  if (Array.isArray(value)) return value.map((v) => substitute(v, subs));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, subs)]));
  }
  return value;
}

const JOB_ID = /^((?:create|modify|delete|logical_delete):[a-z_]+:[a-z_]+:[^:]+:\d+):[0-9a-z]{5}$/;

/** Masks job-id suffixes and backend-made stack output values. */
export function mask(value: unknown, parentKey = ''): unknown {
  if (typeof value === 'string') {
    const m = JOB_ID.exec(value);
    if (m) return `${m[1]}:<suffix>`;
    if (parentKey === 'output_value' && UUIDISH.test(value)) return '<backend uuid>';
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => mask(v, parentKey));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mask(v, k)]));
  }
  return value;
}

/** params are an unordered list (reference README): order them by name. */
export function sortParams(job: Record<string, unknown>): Record<string, unknown> {
  const params = job.params as { param: string }[] | undefined;
  return params ? { ...job, params: [...params].sort((a, b) => a.param.localeCompare(b.param)) } : job;
}

/** /state members other than worker_state are JSON strings; compare them parsed. */
export function parseStateMembers(value: unknown): unknown {
  const v = value as { state?: Record<string, string> };
  if (!v?.state) return value;
  const state = Object.fromEntries(Object.entries(v.state).map(([k, s]) => [k, k === 'worker_state' ? s : JSON.parse(s)]));
  return { ...v, state };
}
