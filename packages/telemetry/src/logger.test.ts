/**
 * No service logs a secret, at any level: the logger censors the secret keys (secret-keys.ts)
 * wherever they sit in a logged object — top level, nested, inside arrays, however deep —
 * and in a child logger's bindings, and leaves everything else as it was.
 */
import { hostname } from 'node:os';
import { Writable } from 'node:stream';
import { context, trace, TraceFlags } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';
import { LOG_CENSOR, SECRET_LOG_KEYS } from './secret-keys.js';
import { initTracing } from './tracing.js';

// Registers the context manager that carries the active span.
initTracing({ serviceName: 'test', otlpEndpoint: '' });

function capture(): { lines: () => Record<string, unknown>[]; text: () => string; stream: Writable } {
  let out = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      out += chunk.toString('utf8');
      done();
    },
  });
  return { stream, text: () => out, lines: () => out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const SECRET = 'S3cret-value-never-logged';

describe('createLogger redacts secrets', () => {
  it('censors every listed key at the top level and nested, even at debug level', () => {
    const sink = capture();
    const log = createLogger('test', 'debug', sink.stream);
    for (const key of SECRET_LOG_KEYS) {
      log.debug({ [key]: SECRET }, 'top');
      log.debug({ body: { [key]: SECRET, name: 'kept' } }, 'nested');
      log.debug({ job: { params: { resolved: { [key]: SECRET } } } }, 'deeper');
      log.debug({ routers: [{ id: 'r1', [key]: SECRET }] }, 'in a list');
    }
    expect(sink.text()).not.toContain(SECRET);
    const lines = sink.lines();
    expect(lines.length).toBe(SECRET_LOG_KEYS.length * 4);
    expect(lines[0]).toMatchObject({ [SECRET_LOG_KEYS[0]!]: LOG_CENSOR, service: 'test' });
    expect(lines[1]).toMatchObject({ body: { [SECRET_LOG_KEYS[0]!]: LOG_CENSOR, name: 'kept' } });
    expect(lines[3]).toMatchObject({ routers: [{ id: 'r1', [SECRET_LOG_KEYS[0]!]: LOG_CENSOR }] });
  });

  it('reaches deeper than the old six levels and keeps the logged object itself unchanged', () => {
    const depth = 12;
    const sink = capture();
    const log = createLogger('test', 'info', sink.stream);
    let deep: Record<string, unknown> = { password: SECRET, community_name: SECRET, name: 'kept' };
    for (let d = 0; d < depth; d++) deep = { [`level${d}`]: deep, [`items${d}`]: [{ token: SECRET }] };
    log.info(deep, 'deep');
    expect(sink.text()).not.toContain(SECRET);
    expect(sink.text()).toContain(`"password":"${LOG_CENSOR}"`);
    let line: Record<string, unknown> = sink.lines()[0]!;
    for (let d = depth - 1; d >= 0; d--) line = line[`level${d}`] as Record<string, unknown>;
    expect(line).toEqual({ password: LOG_CENSOR, community_name: LOG_CENSOR, name: 'kept' });
    // The caller's object is not mutated by the redaction.
    let inner: Record<string, unknown> = deep;
    for (let d = depth - 1; d >= 0; d--) {
      expect(inner[`items${d}`]).toEqual([{ token: SECRET }]);
      inner = inner[`level${d}`] as Record<string, unknown>;
    }
    expect(inner).toEqual({ password: SECRET, community_name: SECRET, name: 'kept' });
  });

  it('censors a child logger\'s bindings, and its children\'s', () => {
    const sink = capture();
    const child = createLogger('test', 'info', sink.stream).child({ device: 'r1', password: SECRET, auth: { token: SECRET } });
    child.info('from the child');
    child.child({ community: SECRET }).info({ secret: SECRET }, 'from the grandchild');
    child.setBindings({ login: SECRET });
    child.info('after setBindings');
    expect(sink.text()).not.toContain(SECRET);
    const [first, second, third] = sink.lines();
    expect(first).toMatchObject({ device: 'r1', password: LOG_CENSOR, auth: { token: LOG_CENSOR }, service: 'test', msg: 'from the child' });
    expect(second).toMatchObject({ device: 'r1', password: LOG_CENSOR, community: LOG_CENSOR, secret: LOG_CENSOR, msg: 'from the grandchild' });
    expect(third).toMatchObject({ login: LOG_CENSOR, msg: 'after setBindings' });
  });

  it('logs an object with a cycle without throwing, still censored', () => {
    const sink = capture();
    const job: Record<string, unknown> = { id: 'j1', params: { password: SECRET } };
    job.self = job;
    (job.params as Record<string, unknown>).job = job;
    expect(() => createLogger('test', 'info', sink.stream).info({ job }, 'cyclic')).not.toThrow();
    expect(sink.text()).not.toContain(SECRET);
    expect(sink.lines()[0]).toMatchObject({ job: { id: 'j1', params: { password: LOG_CENSOR }, self: '[Circular]' }, msg: 'cyclic' });
    expect((job.params as Record<string, unknown>).password).toBe(SECRET);
  });

  it('still writes an error\'s message and stack through pino\'s serializer, its own secret fields censored', () => {
    const sink = capture();
    const log = createLogger('test', 'info', sink.stream);
    const err = Object.assign(new Error('device refused the change'), { code: 'EREFUSED', request: { headers: { authorization: SECRET } } });
    log.error({ job: 'j1', err }, 'job failed');
    log.error(err);
    expect(sink.text()).not.toContain(SECRET);
    const [withKey, alone] = sink.lines();
    for (const line of [withKey, alone]) {
      expect(line).toMatchObject({ err: { type: 'Error', message: 'device refused the change', code: 'EREFUSED', request: { headers: { authorization: LOG_CENSOR } } } });
      expect((line!.err as { stack: string }).stack).toContain('device refused the change');
      expect((line!.err as { stack: string }).stack).toContain('logger.test.ts');
    }
    expect(withKey).toMatchObject({ job: 'j1', msg: 'job failed' });
    expect(alone).toMatchObject({ msg: 'device refused the change' });
    expect(err.request.headers.authorization).toBe(SECRET);
  });

  it('keeps the active span\'s trace_id and span_id beside a censored object', () => {
    const sink = capture();
    const log = createLogger('test', 'info', sink.stream);
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const spanId = 'b7ad6b7169203331';
    const inSpan = trace.setSpanContext(context.active(), { traceId, spanId, traceFlags: TraceFlags.SAMPLED });
    context.with(inSpan, () => log.info({ body: { password: SECRET } }, 'in a span'));
    expect(sink.text()).not.toContain(SECRET);
    expect(sink.lines()[0]).toMatchObject({ trace_id: traceId, span_id: spanId, body: { password: LOG_CENSOR }, msg: 'in a span' });
  });

  it('names the secrets the issue and the schemas name', () => {
    for (const key of ['password', 'community_name', 'login', 'bgp_md5', 'credentials', 'authorization', 'token', 'username']) {
      expect(SECRET_LOG_KEYS).toContain(key);
    }
  });

  it('leaves other fields alone', () => {
    const sink = capture();
    createLogger('test', 'info', sink.stream).info({ resource: 'port:p1', jobs: ['a'], version: 3 }, 'workflow planned');
    expect(sink.lines()[0]).toMatchObject({ resource: 'port:p1', jobs: ['a'], version: 3, msg: 'workflow planned' });
  });

  it('keeps pino\'s pid and hostname beside the service, so replicas and containers are told apart', () => {
    const sink = capture();
    createLogger('planner', 'info', sink.stream).info('ready');
    expect(sink.lines()[0]).toMatchObject({ service: 'planner', pid: process.pid, hostname: hostname(), msg: 'ready' });
  });
});
