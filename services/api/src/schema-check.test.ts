// Schemas as data drive validation: required fields, JSON types, enums, address formats
// and references, each failure naming the field; the example build satisfies them all.
import { describe, expect, it } from 'vitest';
import { loadExampleBuild, loadResourceTypes, loadSchemas, resolveRefs, type ResourceSchema } from '@esi/catalog';
import { ValidationError } from './errors.js';
import { checkBody, referencesIn } from './schema-check.js';

const schemas = loadSchemas();

function fieldOf(fn: () => void): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ValidationError) return err.field;
    throw err;
  }
  return '(accepted)';
}

const lp = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  network_id: 'n1',
  connected_resource: 'gw_interface',
  type: 'L2',
  vlan_id: 1025,
  ese_physical_port_id: 'p1',
  port_ids: ['a', 'b'],
  ...over,
});

describe('the schema files', () => {
  it('cover every resource type, and every reference names a known type', () => {
    const types = loadResourceTypes();
    expect(Object.keys(schemas).sort()).toEqual(Object.keys(types).sort());
    for (const [type, schema] of Object.entries(schemas)) {
      expect(schema.required, type).toEqual(types[type]!.required);
      const walk = (f: ResourceSchema['fields'][string]): void => {
        if (f.references) expect(types[f.references], `${type} → ${f.references}`).toBeDefined();
        if (f.items) walk(f.items);
        for (const sub of Object.values(f.fields ?? {})) walk(sub);
      };
      for (const f of Object.values(schema.fields)) walk(f);
    }
  });
});

describe('checkBody', () => {
  const s = schemas.ese_logical_port!;
  it('accepts a complete body and unknown extra fields', () => {
    expect(fieldOf(() => checkBody(lp({ extra_field_from_g1: true }), s))).toBe('(accepted)');
  });
  it('names a missing, null or empty required field', () => {
    expect(fieldOf(() => checkBody(lp({ vlan_id: undefined }), s))).toBe('body_json.vlan_id');
    expect(fieldOf(() => checkBody(lp({ network_id: null }), s))).toBe('body_json.network_id');
    expect(fieldOf(() => checkBody(lp({ network_id: '' }), s))).toBe('body_json.network_id');
  });
  it('names a field of the wrong JSON type', () => {
    expect(fieldOf(() => checkBody(lp({ vlan_id: '1025' }), s))).toBe('body_json.vlan_id');
    expect(fieldOf(() => checkBody(lp({ vlan_id: 10.5 }), s))).toBe('body_json.vlan_id');
    expect(fieldOf(() => checkBody(lp({ port_ids: 'a' }), s))).toBe('body_json.port_ids');
    expect(fieldOf(() => checkBody(lp({ port_ids: ['a', 7] }), s))).toBe('body_json.port_ids[1]');
    expect(fieldOf(() => checkBody(lp({ tags: [] }), s))).toBe('body_json.tags');
  });
  it('names a value outside its enum, and lets null through where the type allows it', () => {
    expect(fieldOf(() => checkBody(lp({ type: 'L9' }), s))).toBe('body_json.type');
    expect(fieldOf(() => checkBody(lp({ connected_resource: 'router' }), s))).toBe('body_json.connected_resource');
    expect(fieldOf(() => checkBody(lp({ status: null }), s))).toBe('(accepted)');
  });
  it('checks address formats', () => {
    const gw = schemas.gw_interface!;
    const ok = { network_id: 'n', vrid: 1, service_type: 'internet', primary_ipv4: '10.0.0.2', secondary_ipv4: '10.0.0.3', gw_vipv4: '10.0.0.1', netmask: 24 };
    expect(fieldOf(() => checkBody(ok, gw))).toBe('(accepted)');
    expect(fieldOf(() => checkBody({ ...ok, gw_vipv4: '999.0.0.1' }, gw))).toBe('body_json.gw_vipv4');
    expect(fieldOf(() => checkBody({ ...ok, gw_vipv6: '10.0.0.1' }, gw))).toBe('body_json.gw_vipv6');
    const route = schemas.static_route!;
    expect(fieldOf(() => checkBody({ destination: '203.0.113.16/28', nexthop: '10.0.0.1', service_type: 'internet' }, route))).toBe('(accepted)');
    expect(fieldOf(() => checkBody({ destination: '203.0.113.16/33', nexthop: '10.0.0.1', service_type: 'internet' }, route))).toBe('body_json.destination');
  });
  it('checks members of nested objects', () => {
    const port = schemas.port!;
    expect(fieldOf(() => checkBody({ network_id: 'n', allowed_address_pairs: [{ mac_address: 'x' }] }, port))).toBe('body_json.allowed_address_pairs[0].ip_address');
    expect(fieldOf(() => checkBody({ network_id: 'n', allowed_address_pairs: [{ ip_address: 'nope' }] }, port))).toBe('body_json.allowed_address_pairs[0].ip_address');
  });
});

describe('referencesIn', () => {
  it('finds every non-empty reference, in arrays too', () => {
    expect(referencesIn(lp({ ese_physical_port_id: '' }), schemas.ese_logical_port!)).toEqual([
      { field: 'body_json.network_id', type: 'network', id: 'n1' },
      { field: 'body_json.port_ids[0]', type: 'port', id: 'a' },
      { field: 'body_json.port_ids[1]', type: 'port', id: 'b' },
    ]);
  });
});

describe('the example build', () => {
  it('passes its schemas, and each reference names a resource created earlier of the right type', () => {
    const build = loadExampleBuild('internet-gateway');
    const created = new Map<string, { type: string; id: string; body: Record<string, unknown> }>();
    for (const r of build) {
      const id = `${r.ref}-id`;
      const body = { ...(resolveRefs(r.body, (ref) => created.get(ref)) as Record<string, unknown>), id };
      const schema = schemas[r.type]!;
      expect(fieldOf(() => checkBody(body, schema)), r.ref).toBe('(accepted)');
      for (const ref of referencesIn(body, schema)) {
        const target = [...created.values()].find((c) => c.id === ref.id);
        expect(target?.type, `${r.ref} ${ref.field}`).toBe(ref.type);
      }
      created.set(r.ref, { type: r.type, id, body });
    }
  });
});
