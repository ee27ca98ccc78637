import { describe, expect, it } from 'vitest';
import { describeSpec } from './describe-spec.js';
import { parsers, type Spec } from './parse-env.js';

describe('describeSpec', () => {
  it('lists each variable with its doc and default, aligned; a secret default is not shown', () => {
    const spec: Spec<{ addr: string; token: string; urls: string[]; level: string; must: string }> = {
      addr: { env: 'X_ADDR', default: '127.0.0.1:1', parse: parsers.hostPort, doc: 'where it listens' },
      token: { env: 'X_TOKEN_LONGER', default: 'dev-secret', parse: parsers.string, secret: true, doc: 'bearer token' },
      urls: { env: 'X_URLS', default: ['http://a', 'http://b'], parse: parsers.urlList },
      level: { env: 'X_LEVEL', default: '', parse: parsers.string, doc: 'log level' },
      must: { env: 'X_MUST', parse: parsers.string, doc: 'needed' },
    };
    expect(describeSpec(spec)).toEqual([
      '  X_ADDR          where it listens (default 127.0.0.1:1)',
      '  X_TOKEN_LONGER  bearer token',
      '  X_URLS          (default http://a,http://b)',
      '  X_LEVEL         log level',
      '  X_MUST          needed (required)',
    ]);
  });
});
