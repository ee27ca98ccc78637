import { describe, expect, it } from 'vitest';
import { mappingProblems } from './mapping-shape.js';

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
    // What planning evaluates, the check accepts: these three it once refused.
    ['an empty path (the own record)', { field: 'a', path: [] }],
    ['a hop by id alone (its type from the relations)', { field: 'a', path: [{ id: 'x' }] }],
    ['a condition without else (an absent branch is null)', { if_mapping: { equal: ['a', 'b'] }, then_mapping: 'Ca' }],
    ['a version inside a compact concatenation', 'ACv&Vauto_filled'],
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
    ['path not a list', { field: 'a', path: 'network_id' }],
    ['hop with a type but no id', { field: 'a', path: [{ type: 'port' }] }],
    ['ignore_missing not a boolean', { field: 'a', ignore_missing: 'yes' }],
    ['bad part of a concatenation', { concatenate: ['x', { field: '' }] }],
    ['bad operand of a condition', { if_mapping: { equal: [{ nope: 1 }, 'b'] }, then_mapping: 'Ca' }],
    ['bad branch never taken', { if_mapping: { equal: ['a', 'b'] }, then_mapping: 'Ca', else_mapping: 'Q' }],
    ['bad computed hop', { field: 'a', path: [{ concatenate: 'x' }] }],
    ['unknown condition', { if_mapping: { greater: ['a', 'b'] }, then_mapping: 'Ca', else_mapping: 'Cb' }],
    ['for without mapping', { for_field: 'port_ids' }],
    ['number', 3],
  ])('rejects %s', (_, m) => {
    expect(mappingProblems(m)).not.toEqual([]);
  });

  it('names where a problem is, as evaluation words it', () => {
    expect(mappingProblems({ concatenate: ['x', { field: '' }] }, 'params.name')).toEqual(['params.name.concatenate[1]: "field" must be a non-empty string, got ""']);
    expect(mappingProblems({ for_field: 'ids', for_mapping: 'Mnetwork:id' }, 'p')).toEqual(['p.for_mapping: "Mnetwork:id": M needs <type>:<fk>:<output key>']);
  });
});
