import { describe, expect, it } from 'vitest';
import type { ResourceSchema } from '@esi/catalog';
import { MASK, isSecretParamName, redactBody, redactEnvelopeJson, scrubDeep } from './redaction.js';

const schema: ResourceSchema = {
  type: 'edge_router',
  required: [],
  fields: {
    ip: { type: 'string' },
    password: { type: 'string', secret: true },
    peers: { type: 'array', items: { type: 'object', fields: { key: { type: 'string', secret: true } } } },
  },
};

describe('redaction', () => {
  it('masks secret fields at any depth and collects the values masked', () => {
    const secrets = new Set<string>();
    const out = redactBody({ ip: '10.0.0.1', password: 'hunter22', peers: [{ key: 'k3y-1' }], extra: 'kept' }, schema, secrets);
    expect(out).toEqual({ ip: '10.0.0.1', password: MASK, peers: [{ key: MASK }], extra: 'kept' });
    expect([...secrets].sort()).toEqual(['hunter22', 'k3y-1']);
  });

  it('leaves empty values alone, so "no password" stays visible as such', () => {
    expect(redactBody({ password: '' }, schema)).toEqual({ password: '' });
  });

  it('redacts the body inside a /config envelope', () => {
    const env = JSON.stringify({ body: JSON.stringify({ password: 'hunter22' }), version: 1 });
    expect(JSON.parse(JSON.parse(redactEnvelopeJson(env, schema)).body)).toEqual({ password: MASK });
  });

  it('scrubs secret values out of every string of a value without touching its shape', () => {
    const secrets = new Set(['hunter22']);
    expect(scrubDeep({ error: 'login hunter22 refused', n: 3, list: ['hunter22'] }, secrets)).toEqual({ error: `login ${MASK} refused`, n: 3, list: [MASK] });
  });

  it('names the params secret by name when no mapping says so', () => {
    for (const name of ['primary_device_password', 'community_name', 'primary_device_login', 'md5', 'api_token']) expect(isSecretParamName(name)).toBe(true);
    for (const name of ['primary_device_ip', 'vlan_id', 'name']) expect(isSecretParamName(name)).toBe(false);
  });
});
