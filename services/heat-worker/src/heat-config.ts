/**
 * The heat-worker's environment. The OpenStack variables are required only with
 * ESI_HEAT_DRIVER=openstack; the spec is chosen from the raw values (the driver, and
 * whether a project id is given) so that one parse, with the shared variables, names
 * every bad variable at once.
 */
import { readFileSync } from 'node:fs';
import { parsers, type Env, type Spec } from '@esi/config';
import type { KeystoneCredentials } from '@esi/heat-client';
import { DRIVER_KINDS, type DriverKind } from './stack-driver.js';

export interface HeatWorkerConfig {
  concurrency: number;
  driver: DriverKind;
  maxAttempts: number;
  pollMs: number;
  /** Redelivery wait of heat_worker jobs (stacks run long); ESI_ACK_WAIT_SECONDS keeps applying to the rest. */
  jobAckWaitSeconds: number;
  /** Embedded driver: how long each simulated resource takes, like a real backend. */
  simulatedLatencyMs: number;
  /** Embedded driver: an etcd prefix under which a replay releases each job's stack ('' = never held). */
  simulatedReleasePrefix: string;
  authUrl: string;
  username: string;
  password: string;
  /** OS_PROJECT_ID ('' when the project is named instead). */
  projectId: string;
  projectName: string;
  /** OS_USER_DOMAIN_ID / OS_PROJECT_DOMAIN_ID: used instead of the names when set. */
  userDomainId: string;
  userDomainName: string;
  projectDomainId: string;
  projectDomainName: string;
  /** The PEM text of OS_CACERT ('' when unset: Node's own CA bundle). */
  caCert: string;
  regionName: string;
  interface: 'public' | 'internal' | 'admin';
}

const httpUrl = (raw: string): string => {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new Error('expected an http(s) URL such as http://keystone:5000/v3');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('expected an http(s) URL');
  return raw.trim();
};

const nonBlank = (raw: string): string => {
  if (raw.trim() === '') throw new Error('must not be blank');
  return raw;
};

// Keystone ids are opaque (a uuid hex, or `default`), never containing space or '/'.
const keystoneId = (raw: string): string => {
  const value = raw.trim();
  if (!/^[^\s/]{1,255}$/.test(value)) throw new Error('expected a Keystone id (no spaces or "/")');
  return value;
};

/** OS_CACERT: a readable PEM file holding at least one certificate; its text is kept. */
const caCertFile = (raw: string): string => {
  let text: string;
  try {
    text = readFileSync(raw.trim(), 'utf8');
  } catch (error) {
    throw new Error(`cannot read the CA file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----')) throw new Error('not a PEM certificate file (no BEGIN CERTIFICATE)');
  return text;
};

// The raw driver and project id only choose which variables the spec requires; the spec
// then parses every value, these two included.
/* eslint-disable no-restricted-syntax */
export function heatWorkerSpec(env: Env): Spec<HeatWorkerConfig> {
  const openstack = env.ESI_HEAT_DRIVER?.trim() === 'openstack';
  // Required (no default) only when the OpenStack driver will use them.
  const needed = openstack ? {} : { default: '' };
  // The project is given by id (OS_PROJECT_ID) or by name within its domain.
  const projectNameNeeded = openstack && !env.OS_PROJECT_ID?.trim() ? {} : { default: '' };
  /* eslint-enable no-restricted-syntax */
  return {
    concurrency: { env: 'ESI_HEAT_CONCURRENCY', default: 8, parse: parsers.int(1, 256) },
    driver: { env: 'ESI_HEAT_DRIVER', default: 'embedded', parse: parsers.oneOf(...DRIVER_KINDS) },
    maxAttempts: { env: 'ESI_HEAT_MAX_ATTEMPTS', default: 8, parse: parsers.int(1, 100) },
    pollMs: { env: 'ESI_HEAT_POLL_MS', default: 1_000, parse: parsers.int(10, 60_000) },
    jobAckWaitSeconds: { env: 'ESI_HEAT_ACK_WAIT_SECONDS', default: 120, parse: parsers.int(1, 43_200) },
    simulatedLatencyMs: { env: 'ESI_HEAT_SIMULATED_LATENCY_MS', default: 0, parse: parsers.int(0, 600_000) },
    simulatedReleasePrefix: { env: 'ESI_HEAT_SIMULATED_RELEASE_PREFIX', default: '', parse: parsers.string },
    authUrl: { env: 'OS_AUTH_URL', ...needed, parse: httpUrl, doc: 'Keystone v3, e.g. http://keystone:5000/v3' },
    username: { env: 'OS_USERNAME', ...needed, parse: nonBlank },
    password: { env: 'OS_PASSWORD', ...needed, parse: parsers.string, secret: true },
    projectId: { env: 'OS_PROJECT_ID', default: '', parse: keystoneId },
    projectName: { env: 'OS_PROJECT_NAME', ...projectNameNeeded, parse: nonBlank, doc: 'or OS_PROJECT_ID' },
    userDomainId: { env: 'OS_USER_DOMAIN_ID', default: '', parse: keystoneId },
    userDomainName: { env: 'OS_USER_DOMAIN_NAME', default: 'Default', parse: nonBlank },
    projectDomainId: { env: 'OS_PROJECT_DOMAIN_ID', default: '', parse: keystoneId },
    projectDomainName: { env: 'OS_PROJECT_DOMAIN_NAME', default: 'Default', parse: nonBlank },
    caCert: { env: 'OS_CACERT', default: '', parse: caCertFile, doc: 'PEM file of the CA that signed Keystone and Heat' },
    regionName: { env: 'OS_REGION_NAME', default: '', parse: parsers.string },
    interface: { env: 'OS_INTERFACE', default: 'public', parse: parsers.oneOf('public', 'internal', 'admin') },
  };
}

export function keystoneCredentials(config: HeatWorkerConfig): KeystoneCredentials {
  return {
    authUrl: config.authUrl,
    username: config.username,
    password: config.password,
    ...(config.projectId ? { projectId: config.projectId } : { projectName: config.projectName }),
    ...(config.userDomainId ? { userDomainId: config.userDomainId } : { userDomainName: config.userDomainName }),
    ...(config.projectDomainId ? { projectDomainId: config.projectDomainId } : { projectDomainName: config.projectDomainName }),
    regionName: config.regionName || undefined,
    interface: config.interface,
  };
}
