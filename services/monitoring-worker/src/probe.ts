/**
 * How the poller learns item statuses. A probe checks a group of items that live on one
 * device together (deviceKey); SNMP items go to SnmpProbe, every other type to the
 * simulated probe, which answers what a healthy device would until NETCONF, Contrail
 * and Nova checks exist.
 */
import { ITEM_TYPES, type MonitoringItem } from './item-types.js';
import type { SnmpProbe } from './snmp-probe.js';
import { STATUS } from './statuses.js';

export interface Probe {
  /** Items with equal keys are checked in one call. */
  deviceKey(item: MonitoringItem): string;
  /** One status per item, in order; never throws for a device's fault. */
  check(items: readonly MonitoringItem[]): Promise<string[]>;
}

export class SimulatedProbe implements Probe {
  deviceKey(item: MonitoringItem): string {
    return `simulated:${item.type}`;
  }

  async check(items: readonly MonitoringItem[]): Promise<string[]> {
    return items.map((item) => {
      switch (item.type) {
        case 'vrrp_session':
          return String(item.wanted_status ?? 'master').toUpperCase();
        case 'bgp_session':
          return 'ESTABLISHED';
        default:
          return STATUS.up;
      }
    });
  }
}

/** SNMP item types to the SNMP probe, the rest to the simulated one. */
export class ItemProbe implements Probe {
  constructor(
    private readonly snmp: Pick<SnmpProbe, 'deviceKey' | 'check'>,
    private readonly simulated: Probe = new SimulatedProbe(),
  ) {}

  private route(item: MonitoringItem): Probe {
    const kind = ITEM_TYPES[item.type]?.probe;
    return kind === 'snmp-device' || kind === 'snmp-port' ? this.snmp : this.simulated;
  }

  deviceKey(item: MonitoringItem): string {
    return this.route(item).deviceKey(item);
  }

  check(items: readonly MonitoringItem[]): Promise<string[]> {
    const first = items[0];
    return first ? this.route(first).check(items) : Promise.resolve([]);
  }
}
