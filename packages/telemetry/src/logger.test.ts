/**
 * No service logs a secret, at any level: the logger censors the secret keys (secret-keys.ts)
 * wherever they sit in a logged object — top level, nested, inside arrays — and leaves
 * everything else as it was.
 */
import { hostname } from 'node:os';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';
import { LOG_CENSOR, SECRET_LOG_DEPTH, SECRET_LOG_KEYS } from './secret-keys.js';

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

  it('reaches as deep as documented and keeps the logged object itself unchanged', () => {
    const sink = capture();
    const log = createLogger('test', 'info', sink.stream);
    let deep: Record<string, unknown> = { password: SECRET, community_name: SECRET };
    for (let d = 0; d < SECRET_LOG_DEPTH; d++) deep = { [`level${d}`]: deep };
    log.info(deep, 'deep');
    expect(sink.text()).not.toContain(SECRET);
    expect(sink.text()).toContain(`"password":"${LOG_CENSOR}"`);
    // The caller's object is not mutated by the redaction.
    let inner: Record<string, unknown> = deep;
    for (let d = SECRET_LOG_DEPTH - 1; d >= 0; d--) inner = inner[`level${d}`] as Record<string, unknown>;
    expect(inner.password).toBe(SECRET);
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
