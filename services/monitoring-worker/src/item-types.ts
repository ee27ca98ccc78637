/**
 * Monitoring item types of the G1 monitoring templates (esi-reference §5.3): the
 * properties each needs and what the job reports for it in state_monitoring.
 */
export interface MonitoringItem {
  type: string;
  [prop: string]: unknown;
}

interface ItemType {
  required: string[];
  /** What the original monitoring job reported; undefined = not reported. */
  reported: (item: MonitoringItem) => string | undefined;
  /** Whether the poller writes a status for it into /monitoring. */
  polled: boolean;
}

const active = (): string => 'ACTIVE';

export const ITEM_TYPES: Readonly<Record<string, ItemType>> = {
  switch: { required: ['ip', 'community_name'], reported: active, polled: true },
  router: { required: ['ip', 'community_name'], reported: active, polled: true },
  physical_port: { required: ['device_ip', 'community_name', 'name'], reported: active, polled: true },
  logical_port: { required: ['device_ip', 'community_name', 'name'], reported: active, polled: true },
  virtual_network: { required: ['fq_name'], reported: active, polled: true },
  virtual_machine_interface: { required: ['fq_name'], reported: active, polled: true },
  vrrp_session: {
    required: ['host', 'port', 'login', 'password', 'interface', 'vrid'],
    reported: (item) => String(item.wanted_status ?? 'master'),
    polled: true,
  },
  bgp_session: {
    required: ['instance', 'peer_address', 'host', 'port', 'login', 'password'],
    reported: () => 'ESTABLISHED',
    polled: true,
  },
  nova_vm: { required: ['server_id'], reported: active, polled: true },
  kafka_messenger: { required: ['kafka_topic'], reported: () => undefined, polled: false },
  etcd_reader: { required: ['etcd_type', 'etcd_id'], reported: active, polled: true },
};

export class InvalidItemError extends Error {
  override readonly name = 'InvalidItemError';
  readonly retryable = false;
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
  return item;
}
