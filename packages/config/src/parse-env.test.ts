import { describe, expect, it } from 'vitest';
import { ConfigError, commonChecks, commonSpec, parseConfig, parsers } from './index.js';

describe('parseConfig', () => {
  it('applies defaults and freezes the result', () => {
    const cfg = parseConfig(commonSpec, {});
    expect(cfg.natsServers).toEqual(['nats://127.0.0.1:4222']);
    expect(Object.isFrozen(cfg)).toBe(true);
  });

  it('names every bad variable in one error', () => {
    const spec = { ...commonSpec, port: { env: 'PORT', parse: parsers.int(1, 65535) } };
    let caught: unknown;
    try {
      parseConfig(spec, { NATS_URL: 'not a url', LOG_LEVEL: 'loud', PORT: '99999' });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems;
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/NATS_URL/);
    expect(problems.join('\n')).toMatch(/LOG_LEVEL/);
    expect(problems.join('\n')).toMatch(/PORT/);
  });

  it('reports missing required variables', () => {
    expect(() => parseConfig({ x: { env: 'X', parse: parsers.string } }, {})).toThrow(/X is required/);
  });
});

describe('secrets in configuration errors', () => {
  const catchProblems = (fn: () => unknown): string => {
    try {
      fn();
    } catch (err) {
      return (err as ConfigError).problems.join('\n');
    }
    throw new Error('expected a ConfigError');
  };

  it('names a bad secret setting without its value or any piece a parser quoted', () => {
    const spec = {
      tokens: {
        env: 'TOKENS',
        secret: true,
        parse: (raw: string) => {
          throw new Error(`bad entry ${raw.split(',')[1]}`);
        },
      },
    };
    const text = catchProblems(() => parseConfig(spec, { TOKENS: 'first-secret-token=admin,second-secret-token=oops' }));
    expect(text).toMatch(/^TOKENS \(value not shown\): bad entry \*\*\*/);
    expect(text).not.toContain('first-secret-token');
    expect(text).not.toContain('second-secret-token');
  });

  it('hides the user:password part of a URL it echoes, and refuses credentials in NATS_URL', () => {
    const text = catchProblems(() => parseConfig(commonSpec, { NATS_URL: 'nats://esi:hunter2-pw@nats:4222', ETCD_ENDPOINTS: 'http://u:etcd-pw@x:2379' }));
    expect(text).not.toContain('hunter2-pw');
    expect(text).not.toContain('etcd-pw');
    expect(text).toMatch(/NATS_URL="nats:\/\/\*\*\*@nats:4222": credentials in the URL are not accepted .*NATS_USER and NATS_PASSWORD, or NATS_TOKEN/);
    expect(catchProblems(() => parseConfig(commonSpec, { NATS_URL: 'nats://a:b@ nope' }))).not.toContain('a:b');
  });

  it('takes NATS credentials from their own settings, as a user with a password or as a token', () => {
    const check = (env: Record<string, string>) => parseConfig(commonSpec, env, commonChecks);
    expect(check({ NATS_USER: 'esi', NATS_PASSWORD: 'pw-123456' })).toMatchObject({ natsUser: 'esi', natsPassword: 'pw-123456', natsToken: '' });
    expect(check({ NATS_TOKEN: 'tok-123456' }).natsToken).toBe('tok-123456');
    expect(catchProblems(() => check({ NATS_USER: 'esi' }))).toMatch(/NATS_USER and NATS_PASSWORD go together/);
    expect(catchProblems(() => check({ NATS_PASSWORD: 'pw-only-secret' }))).not.toContain('pw-only-secret');
    expect(catchProblems(() => check({ NATS_TOKEN: 't-123456789', NATS_USER: 'u', NATS_PASSWORD: 'p' }))).toMatch(/exclude each other/);
  });

  it('hands an empty value to the parser only where empty is declared a value (emptyIsSet)', () => {
    const refuse = (raw: string): string => {
      if (raw.trim() === '') throw new Error('is set but empty');
      return raw;
    };
    expect(parseConfig({ a: { env: 'A', default: 'd', parse: refuse } }, { A: '' }).a).toBe('d');
    expect(catchProblems(() => parseConfig({ a: { env: 'A', default: 'd', parse: refuse, emptyIsSet: true } }, { A: '' }))).toMatch(/A="": is set but empty/);
  });
});
