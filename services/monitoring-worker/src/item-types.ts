/**
 * Monitoring item types of the G1 monitoring templates (esi-reference §5.3): the
 * properties each needs, what the job reports for it in state_monitoring, how the poller
 * checks it, and the hold options it gets when the item names none.
 */
import { parseHoldOptions, type HoldOptions } from './hold-options.js';
import { parseSnmpAddress } from './snmp-address.js';

export interface MonitoringItem {
  type: string;
  [prop: string]: unknown;
}

export type ProbeKind = 'snmp-device' | 'snmp-port' | 'simulated';

interface ItemType {
  required: string[];
  /** What the original monitoring job reported; undefined = not reported. */
  reported: (item: MonitoringItem) => string | undefined;
  /** How the poller checks it; undefined = never polled (kafka_messenger). */
  probe?: ProbeKind;
  /** The property that holds the SNMP device address. */
  address?: 'ip' | 'device_ip';
  hold: (item: MonitoringItem) => HoldOptions;
}

const active = (): string => 'ACTIVE';
const seconds = (item: MonitoringItem, fallback: number): number => (typeof item.timeout === 'number' ? item.timeout : fallback);
/** G3 ese_logical_port/port: [UP, DOWN] for 30 s (esi-reference §4.5, §5.5). */
const portHold = (): HoldOptions => ({ positive_status: ['UP', 'DOWN'], time_seconds: 30 });
/** Ours: a device that does not answer yet is not reported UNREACHABLE for 30 s. */
const deviceHold = (): HoldOptions => ({ positive_status: ['UP'], time_seconds: 30 });
const upHold = (item: MonitoringItem): HoldOptions => ({ positive_status: ['UP'], time_seconds: seconds(item, 120) });
const wanted = (item: MonitoringItem): string => String(item.wanted_status ?? 'master');

export const ITEM_TYPES: Readonly<Record<string, ItemType>> = {
  switch: { required: ['ip', 'community_name'], reported: active, probe: 'snmp-device', address: 'ip', hold: deviceHold },
  router: { required: ['ip', 'community_name'], reported: active, probe: 'snmp-device', address: 'ip', hold: deviceHold },
  physical_port: { required: ['device_ip', 'community_name', 'name'], reported: active, probe: 'snmp-port', address: 'device_ip', hold: portHold },
  logical_port: { required: ['device_ip', 'community_name', 'name'], reported: active, probe: 'snmp-port', address: 'device_ip', hold: portHold },
  virtual_network: { required: ['fq_name'], reported: active, probe: 'simulated', hold: upHold },
  virtual_machine_interface: { required: ['fq_name'], reported: active, probe: 'simulated', hold: upHold },
  vrrp_session: {
    required: ['host', 'port', 'login', 'password', 'interface', 'vrid'],
    reported: wanted,
    probe: 'simulated',
    // G2 pools: the item's wanted state, 360 s (the item's timeout).
    hold: (item) => ({ positive_status: [wanted(item)], time_seconds: seconds(item, 360) }),
  },
  bgp_session: {
    required: ['instance', 'peer_address', 'host', 'port', 'login', 'password'],
    reported: () => 'ESTABLISHED',
    probe: 'simulated',
    hold: (item) => ({ positive_status: ['ESTABLISHED'], time_seconds: seconds(item, 300) }),
  },
  nova_vm: { required: ['server_id'], reported: active, probe: 'simulated', hold: upHold },
  kafka_messenger: { required: ['kafka_topic'], reported: () => undefined, hold: upHold },
  // The original listed no required properties for it (G1 internet gateways render an
  // uplink reader with an empty etcd_id when there is no uplink, and still report ACTIVE).
  etcd_reader: { required: [], reported: active, probe: 'simulated', hold: upHold },
};

export class InvalidItemError extends Error {
  override readonly name = 'InvalidItemError';
  readonly retryable = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export function validateItem(name: string, raw: unknown): MonitoringItem {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new InvalidItemError(`monitoring item ${name} is not a mapping`);
  }
  const item = raw as MonitoringItem;
  const spec = ITEM_TYPES[String(item.type)];
  if (!spec) throw new InvalidItemError(`monitoring item ${name} has unknown type ${JSON.stringify(item.type)}`);
  const missing = spec.required.filter((p) => item[p] === undefined || item[p] === null || item[p] === '');
  if (missing.length > 0) throw new InvalidItemError(`monitoring item ${name} (${item.type}) lacks ${missing.join(', ')}`);
  const nested = spec.required.filter((p) => typeof item[p] === 'object' && p !== 'fq_name');
  if (nested.length > 0) throw new InvalidItemError(`monitoring item ${name} (${item.type}): ${nested.join(', ')} must be scalar`);
  if (item.timeout !== undefined && typeof item.timeout !== 'number') {
    throw new InvalidItemError(`monitoring item ${name} (${item.type}): timeout ${JSON.stringify(item.timeout)} is not a number`);
  }
  try {
    if (spec.address) parseSnmpAddress(item[spec.address], 161);
    if (item.hold_options !== undefined) parseHoldOptions(item.hold_options);
  } catch (err) {
    throw new InvalidItemError(`monitoring item ${name} (${item.type}): ${(err as Error).message}`, { cause: err });
  }
  return item;
}

/** The item's own hold_options, or its type's default. */
export function holdOptionsOf(item: MonitoringItem): HoldOptions {
  if (item.hold_options !== undefined) return parseHoldOptions(item.hold_options);
  return ITEM_TYPES[item.type]!.hold(item);
}

/** state_monitoring of a create job: {item: reported status} (esi-reference §5.3). */
export function stateMonitoring(items: Record<string, MonitoringItem>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, item] of Object.entries(items)) {
    const reported = ITEM_TYPES[item.type]?.reported(item);
    if (reported !== undefined) out[name] = reported;
  }
  return out;
}
