/**
 * One pino JSON line as one readable line, for people watching `pnpm start`:
 *   12:04:05.123 INFO  planner           workflow planned resource=network:6f1… trace=4bf9…
 * The files under the data folder keep the JSON; this is only for the echo. Lines that
 * are not pino JSON come back unchanged.
 */
const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const COLORS: Record<number, string> = { 10: '90', 20: '90', 30: '32', 40: '33', 50: '31', 60: '35' };
/** Fields every line has, shown in fixed places or not at all. */
const FIXED = new Set(['level', 'time', 'msg', 'service', 'pid', 'hostname', 'trace_id', 'span_id']);

export interface LogFormatOptions {
  /** ANSI colours for the level (when writing to a terminal). */
  color?: boolean;
  /** Service name to show when the line has none. */
  service?: string;
  /** Longest value shown for one field before it is cut. */
  maxValueLength?: number;
}

export function levelValue(name: string): number {
  const found = Object.entries(LEVELS).find(([, n]) => n === name.toUpperCase());
  return found ? Number(found[0]) : 30;
}

/** The line's pino level, or undefined when it is not pino JSON. */
export function levelOf(line: string): number | undefined {
  const rec = parse(line);
  return rec && typeof rec.level === 'number' ? rec.level : undefined;
}

export function formatLogLine(line: string, opts: LogFormatOptions = {}): string {
  const rec = parse(line);
  if (!rec || typeof rec.level !== 'number') return line;
  const max = opts.maxValueLength ?? 160;
  const level = (LEVELS[rec.level] ?? String(rec.level)).padEnd(5);
  const shownLevel = opts.color ? `\x1b[${COLORS[rec.level] ?? '0'}m${level}\x1b[0m` : level;
  const time = typeof rec.time === 'number' ? clock(new Date(rec.time)) : '';
  const service = String(rec.service ?? opts.service ?? '').padEnd(17);
  const fields = Object.entries(rec)
    .filter(([k]) => !FIXED.has(k))
    .map(([k, v]) => `${k}=${cut(show(k, v), max)}`);
  if (typeof rec.trace_id === 'string') fields.push(`trace=${rec.trace_id}`);
  return [time, shownLevel, service, String(rec.msg ?? ''), ...fields].filter((p) => p !== '').join(' ');
}

function parse(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const v = JSON.parse(line) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function show(key: string, v: unknown): string {
  // An error object: its message says it; the stack is in the JSON file.
  if (key === 'err' && v && typeof v === 'object' && 'message' in v) return JSON.stringify(String((v as { message: unknown }).message));
  if (typeof v === 'string') return /[\s"=]/.test(v) || v === '' ? JSON.stringify(v) : v;
  return JSON.stringify(v);
}

function cut(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

function clock(d: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}
