import { describe, expect, it } from 'vitest';
import { formatLogLine, levelOf, levelValue } from './log-format.js';

describe('formatLogLine', () => {
  const line = JSON.stringify({
    level: 30,
    time: new Date(2024, 0, 2, 3, 4, 5, 6).getTime(),
    pid: 1,
    hostname: 'h',
    service: 'planner',
    msg: 'job dispatched',
    job: 'create:heat_worker:network:n1:1:abcde',
    jobs: ['a', 'b'],
    note: 'two words',
    trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
    span_id: '00f067aa0ba902b7',
  });

  it('puts time, level, service and message first, the fields after, the trace last', () => {
    expect(formatLogLine(line)).toBe(
      '03:04:05.006 INFO  planner           job dispatched job=create:heat_worker:network:n1:1:abcde jobs=["a","b"] note="two words" trace=4bf92f3577b34da6a3ce929d0e0e4736',
    );
  });

  it('shows an error by its message and cuts long values', () => {
    const err = JSON.stringify({ level: 50, time: 0, msg: 'failed', err: { type: 'Error', message: 'boom', stack: 'Error: boom\n at x' }, big: 'x'.repeat(50) });
    const out = formatLogLine(err, { service: 'api', maxValueLength: 10 });
    expect(out).toContain('ERROR api');
    expect(out).toContain('err="boom"');
    expect(out).toContain('big=xxxxxxxxx…');
    expect(out).not.toContain('stack');
  });

  it('colours the level only when asked and leaves other lines alone', () => {
    expect(formatLogLine(line, { color: true })).toContain('\x1b[32mINFO \x1b[0m');
    expect(formatLogLine('plain text')).toBe('plain text');
    expect(formatLogLine('{"not":"pino"}')).toBe('{"not":"pino"}');
  });

  it('knows the pino levels', () => {
    expect(levelOf(line)).toBe(30);
    expect(levelOf('nope')).toBeUndefined();
    expect(levelValue('warn')).toBe(40);
    expect(levelValue('debug')).toBe(20);
  });
});
