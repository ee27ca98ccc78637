import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, commonSpec, mergeSpecs, parseConfig, type Env } from '@esi/config';
import { heatWorkerSpec, keystoneCredentials } from './heat-config.js';

// Merged as runService merges it, so a setting that shadows a shared one fails here too.
const parse = (env: Env) => parseConfig(mergeSpecs(commonSpec, heatWorkerSpec(env)), env);

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
    expect(config).toMatchObject({ driver: 'embedded', concurrency: 8, maxAttempts: 8, pollMs: 1000, jobAckWaitSeconds: 120, ackWaitSeconds: 30 });
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

  const base = { ESI_HEAT_DRIVER: 'openstack', OS_AUTH_URL: 'https://keystone:5000/v3', OS_USERNAME: 'esi', OS_PASSWORD: 'secret' };

  it('takes the project by id (OS_PROJECT_ID) instead of by name, and domain ids over names', () => {
    const config = parse({ ...base, OS_PROJECT_ID: '6b1d0c4e2f3a', OS_USER_DOMAIN_ID: 'default', OS_PROJECT_DOMAIN_ID: 'dom1' });
    expect(keystoneCredentials(config)).toEqual({
      authUrl: 'https://keystone:5000/v3',
      username: 'esi',
      password: 'secret',
      projectId: '6b1d0c4e2f3a',
      userDomainId: 'default',
      projectDomainId: 'dom1',
      regionName: undefined,
      interface: 'public',
    });
    // A name within a domain given by id.
    const named = parse({ ...base, OS_PROJECT_NAME: 'esi', OS_PROJECT_DOMAIN_ID: 'dom1' });
    expect(keystoneCredentials(named)).toMatchObject({ projectName: 'esi', projectDomainId: 'dom1', userDomainName: 'Default' });
  });

  it('needs OS_PROJECT_ID or OS_PROJECT_NAME, and refuses malformed ids', () => {
    expect(problems(base).join('\n')).toMatch(/OS_PROJECT_NAME is required \(or OS_PROJECT_ID\)/);
    const found = problems({ ...base, OS_PROJECT_ID: 'a b', OS_USER_DOMAIN_ID: 'x/y', OS_PROJECT_DOMAIN_ID: ' ' }).join('\n');
    for (const name of ['OS_PROJECT_ID', 'OS_USER_DOMAIN_ID', 'OS_PROJECT_DOMAIN_ID']) expect(found).toContain(name);
  });

  it('reads OS_CACERT at start: a readable PEM certificate file, else the variable is named', () => {
    const dir = mkdtempSync(join(tmpdir(), 'esi-cacert-'));
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    writeFileSync(join(dir, 'ca.pem'), pem);
    writeFileSync(join(dir, 'not.pem'), 'hello');
    expect(parse({ ...base, OS_PROJECT_NAME: 'esi', OS_CACERT: join(dir, 'ca.pem') }).caCert).toBe(pem);
    expect(parse({ ...base, OS_PROJECT_NAME: 'esi' }).caCert).toBe('');
    expect(problems({ ...base, OS_PROJECT_NAME: 'esi', OS_CACERT: join(dir, 'missing.pem') }).join('\n')).toMatch(/OS_CACERT=.*cannot read the CA file: ENOENT/);
    expect(problems({ ...base, OS_PROJECT_NAME: 'esi', OS_CACERT: join(dir, 'not.pem') }).join('\n')).toMatch(/OS_CACERT=.*not a PEM certificate/);
  });
});
