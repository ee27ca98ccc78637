import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultCatalogDir } from '@esi/catalog';
import { ITEM_TYPES, InvalidItemError, stateMonitoring, validateItem } from './item-types.js';
import { renderMonitoring } from './render-items.js';

const templateFile = (id: string): string =>
  (JSON.parse((JSON.parse(readFileSync(join(defaultCatalogDir, `${id}.json`), 'utf8')) as { body: string }).body) as { template_file: string })
    .template_file;

const router = { ip: '10.0.0.1', port: 830, login: 'esi', password: 'pw' };

describe('monitoring templates render into validated items (esi-reference §5.3)', () => {
  it('ese_logical_port: one logical_port item and a db_mapping per port', () => {
    const r = renderMonitoring(templateFile('ese_logical_port_monitoring'), {
      community_name: 'ESE_NODE_COMMUNITY',
      device_ip: '127.0.0.1',
      name: 'xe-0/0/4.1025',
      port_ids: ['p1'],
    });
    expect(r.items).toEqual({
      logical_port: { type: 'logical_port', community_name: 'ESE_NODE_COMMUNITY', device_ip: '127.0.0.1', name: 'xe-0/0/4.1025' },
    });
    expect(r.dbMappings).toEqual([{ mapped_id: '127.0.0.1-xe-0/0/4.1025', resource_type: 'port', resource_id: 'p1', relation: 'baremetal' }]);
    expect(stateMonitoring(r.items)).toEqual({ logical_port: 'ACTIVE' });
  });

  it('state_monitoring is what the original reported: wanted VRRP state, ESTABLISHED, no kafka_messenger, {} without items', () => {
    const gw = renderMonitoring(templateFile('gw_interface_monitoring'), {
      ...Object.fromEntries(['primary', 'secondary'].flatMap((s) => Object.entries(router).map(([k, v]) => [`${s}_device_${k}`, v]))),
      primary_logical_interface_name: 'ae0.1025',
      secondary_logical_interface_name: 'ae0.1025',
      service_type: 'internet',
      vrid: 20,
    });
    expect(stateMonitoring(gw.items)).toEqual({ primary: 'master', secondary: 'backup' });

    const igw = renderMonitoring(templateFile('internet_gateway_monitoring'), {
      downlink_interface_id: 'ha1',
      inet_in_filter: 'IN',
      inet_out_filter: 'OUT',
      counter_name_in_primary: 'a',
      counter_name_out_primary: 'b',
      counter_name_in_secondary: 'c',
      counter_name_out_secondary: 'd',
      primary_server_ip: '10.0.0.1',
      secondary_server_ip: '10.0.0.2',
      username: 'u',
      password: 'p',
      ssh_port: 830,
    });
    expect(Object.keys(igw.items).sort()).toEqual(['counter_primary', 'downlink']);
    expect(stateMonitoring(igw.items)).toEqual({ downlink: 'ACTIVE' });

    const bgp = { type: 'bgp_session', instance: 'vrf', peer_address: '10.0.0.9', host: 'h', port: 830, login: 'l', password: 'p' };
    expect(stateMonitoring({ primary: validateItem('primary', bgp) })).toEqual({ primary: 'ESTABLISHED' });

    const port = renderMonitoring(templateFile('port_monitoring'), { device_owner: 'network:gw_interface', attached: false });
    expect(port.items).toEqual({});
    expect(stateMonitoring(port.items)).toEqual({});
  });

  it('every item type is validated for its required properties', () => {
    const samples: Record<string, Record<string, unknown>> = {
      switch: { ip: '10.0.0.1', community_name: 'c' },
      router: { ip: '10.0.0.1:1161', community_name: 'c' },
      physical_port: { device_ip: '10.0.0.1', community_name: 'c', name: 'xe-0/0/3' },
      logical_port: { device_ip: '[::1]:1161', community_name: 'c', name: 'xe-0/0/3.1025' },
      virtual_network: { fq_name: ['default-domain', 'p', 'n'] },
      virtual_machine_interface: { fq_name: 'a:b:c' },
      vrrp_session: { host: 'h', port: 830, login: 'l', password: 'p', interface: 'ae0.1', vrid: 1 },
      bgp_session: { instance: 'i', peer_address: '10.0.0.2', host: 'h', port: 830, login: 'l', password: 'p' },
      nova_vm: { server_id: 's' },
      kafka_messenger: { kafka_topic: 'monitor_igs_counter' },
      etcd_reader: { etcd_type: 'ha_interface', etcd_id: 'x' },
    };
    expect(Object.keys(samples).sort()).toEqual(Object.keys(ITEM_TYPES).sort());
    for (const [type, props] of Object.entries(samples)) {
      expect(validateItem('it', { type, ...props }).type).toBe(type);
      for (const p of ITEM_TYPES[type]!.required) {
        expect(() => validateItem('it', { type, ...props, [p]: undefined }), `${type} without ${p}`).toThrow(new RegExp(`item it \\(${type}\\) lacks ${p}`));
      }
    }
  });

  it('refuses unknown types, bad addresses, bad hold options and output that is not items', () => {
    expect(() => validateItem('x', { type: 'ping' })).toThrow(/monitoring item x has unknown type "ping"/);
    expect(() => validateItem('x', 'text')).toThrow(InvalidItemError);
    expect(() => validateItem('sw', { type: 'switch', ip: '10.0.0.1:99999', community_name: 'c' })).toThrow(/sw \(switch\).*no valid UDP port/);
    expect(() => validateItem('p', { type: 'physical_port', device_ip: 'a', community_name: 'c', name: 'x', hold_options: { time_seconds: -1 } })).toThrow(
      /time_seconds/,
    );
    expect(() => validateItem('p', { type: 'physical_port', device_ip: 'a', community_name: 'c', name: 'x', hold_options: { positive_status: [[1]] } })).toThrow(
      /positive_status/,
    );
    expect(() => renderMonitoring('- a\n- b\n', {})).toThrow(/must render to a mapping/);
    expect(() => renderMonitoring('a: [\n', {})).toThrow(/does not render to YAML/);
    expect(() => renderMonitoring('{% if %}', {})).toThrow(/Template rendering failed/);
    expect(() => renderMonitoring('db_mappings: 3\n', {})).toThrow(/db_mappings must be a list/);
  });
});
