import { describe, expect, it } from 'vitest';
import { ConfigError, commonSpec, parseConfig, parsers } from './index.js';

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
