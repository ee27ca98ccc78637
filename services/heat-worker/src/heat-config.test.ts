import { describe, expect, it } from 'vitest';
import { ConfigError, commonSpec, parseConfig, type Env } from '@esi/config';
import { heatWorkerSpec, keystoneCredentials } from './heat-config.js';

const parse = (env: Env) => parseConfig({ ...commonSpec, ...heatWorkerSpec(env) }, env);

function problems(env: Env): string[] {
  try {
    parse(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return [...(error as ConfigError).problems];
  }
  throw new Error('expected a ConfigError');
}

describe('heat-worker configuration', () => {
  it('defaults to the embedded driver, needing no OpenStack variables', () => {
    const config = parse({});
    expect(config).toMatchObject({ driver: 'embedded', concurrency: 8, maxAttempts: 8, pollMs: 1000, ackWaitSeconds: 120 });
  });

  it('with the openstack driver, names every missing or bad variable in one error', () => {
    const found = problems({
      ESI_HEAT_DRIVER: 'openstack',
      ESI_HEAT_CONCURRENCY: '0',
      OS_AUTH_URL: 'keystone:5000',
      OS_PASSWORD: 'secret',
      OS_INTERFACE: 'private',
      NATS_URL: 'nope',
    }).join('\n');
    for (const name of ['ESI_HEAT_CONCURRENCY', 'OS_AUTH_URL', 'OS_USERNAME', 'OS_PROJECT_NAME', 'OS_INTERFACE', 'NATS_URL']) {
      expect(found).toContain(name);
    }
    expect(found).not.toContain('OS_PASSWORD');
  });

  it('rejects an unknown driver by name', () => {
    expect(problems({ ESI_HEAT_DRIVER: 'opnstack' }).join('\n')).toMatch(/ESI_HEAT_DRIVER.*embedded, openstack/);
  });

  it('builds Keystone credentials with the domain defaults', () => {
    const config = parse({
      ESI_HEAT_DRIVER: 'openstack',
      OS_AUTH_URL: 'http://keystone:5000/v3',
      OS_USERNAME: 'esi',
      OS_PASSWORD: 'secret',
      OS_PROJECT_NAME: 'esi',
    });
    expect(keystoneCredentials(config)).toEqual({
      authUrl: 'http://keystone:5000/v3',
      username: 'esi',
      password: 'secret',
      projectName: 'esi',
      userDomainName: 'Default',
      projectDomainName: 'Default',
      regionName: undefined,
      interface: 'public',
    });
  });
});
