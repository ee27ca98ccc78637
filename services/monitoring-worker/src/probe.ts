/**
 * How the poller learns an item's status. The simulated probe answers what a healthy
 * device would; real protocol probes (SNMP, NETCONF) plug in behind the same interface.
 */
import type { MonitoringItem } from './item-types.js';

export interface Probe {
  check(item: MonitoringItem): Promise<string>;
}

export class SimulatedProbe implements Probe {
  async check(item: MonitoringItem): Promise<string> {
    switch (item.type) {
      case 'vrrp_session':
        return String(item.wanted_status ?? 'master').toUpperCase();
      case 'bgp_session':
        return 'ESTABLISHED';
      default:
        return 'UP';
    }
  }
}
