import { describe, expect, it } from 'vitest';
import { loadTemplates } from './load-templates.js';
import { mappingProblems } from './mapping-shape.js';
import { loadResourceTypes } from './resource-types.js';
import { referenceCatalogDir } from './test-support/reference.js';

describe('parameter_mappings are well formed', () => {
  it.each([
    ['our catalog', undefined],
    ['the reference G1 catalog', referenceCatalogDir],
  ])('in %s', async (_, dir) => {
    const problems = (await loadTemplates(dir)).flatMap((t) =>
      Object.entries(t.body.parameter_mappings).flatMap(([param, m]) => mappingProblems(m, `${t.id}.${param}`)),
    );
    expect(problems).toEqual([]);
  });

  it('in the resource-type table', () => {
    const problems = Object.entries(loadResourceTypes()).flatMap(([type, entry]) =>
      Object.entries(entry.template_mappings).flatMap(([handler, m]) => mappingProblems(m, `${type}.${handler}`)),
    );
    expect(problems).toEqual([]);
  });
});

describe('mappingProblems', () => {
  it.each<[string, unknown]>([
    ['constant', 'Cdefault-domain:default-project:default-network-ipam'],
    ['field', 'Pbinding:vif_type'],
    ['version', 'Vauto_filled'],
    ['output of a referenced resource', 'Mnetwork:network_id:id'],
    ['typed path', 'Finternet_gateway+internet_gw_id:ha_interface+downlink_interface_id:vlan_id'],
    ['nested', 'Oprimary:bgp_peer_ip'],
    ['concatenation with a path', 'ACFILTER_&Fqos_option+qos_option_id:incoming_policer_name'],
    ['object constant null', { constant: null }],
    ['object number constant', { constant: 60 }],
    ['computed hop', { field: 'ip', path: [{ concatenate: [{ field: 'service_type' }, '_gw_id'] }, 'downlink_interface_id'] }],
    ['loop element as id', { for_field: 'port_ids', for_mapping: { output_key: 'id', path: [{ id: '', type: 'port' }] } }],
    ['loop over a mapped list', { for_field: { field: 'vrrp_config', path: ['common_function_pool_id'] }, for_mapping: { field: 'vrid' } }],
    [
      'conditional',
      { if_mapping: { regexp: [{ field: 'device_owner' }, { constant: 'network:dhcp' }] }, then_mapping: { constant: null }, else_mapping: 'Cport' },
    ],
    ['ignore_missing', { field: 'id', ignore_missing: true, path: [{ id: 'public_ip_id', type: 'public_ip' }] }],
  ])('accepts %s', (_, m) => {
    expect(mappingProblems(m)).toEqual([]);
  });

  it.each<[string, unknown]>([
    ['unknown tag', 'Xname'],
    ['empty field', 'P'],
    ['other version', 'V1'],
    ['short M', 'Mnetwork:id'],
    ['untyped compact hop', 'Fnetwork_id:name'],
    ['path without a field', 'Fnetwork+network_id'],
    ['O without key', 'Oprimary'],
    ['A part that is an M', 'ACx&Mnetwork:network_id:id'],
    ['two kinds', { field: 'a', constant: 'b' }],
    ['no kind', { path: ['a'] }],
    ['foreign member', { constant: 1, path: ['a'] }],
    ['empty path', { field: 'a', path: [] }],
    ['bad typed hop', { field: 'a', path: [{ id: 'x' }] }],
    ['if without else', { if_mapping: { equal: ['a', 'b'] }, then_mapping: 'Ca' }],
    ['unknown condition', { if_mapping: { greater: ['a', 'b'] }, then_mapping: 'Ca', else_mapping: 'Cb' }],
    ['for without mapping', { for_field: 'port_ids' }],
    ['number', 3],
  ])('rejects %s', (_, m) => {
    expect(mappingProblems(m)).not.toEqual([]);
  });
});
