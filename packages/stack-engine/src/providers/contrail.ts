import { heatText, isPlainObject } from '../heat-text.js';
import { ContrailObjects, uuidFromName } from './contrail-objects.js';
import { simulatedProvider, type SimulatedType, type SimulationOptions } from './simulated.js';
import type { ResourceProvider } from './types.js';

const GLOBAL_CONFIG = 'default-global-system-config';
const PROJECT = ['default-domain', 'default-project'];

/**
 * The text the G1 backend's LogicalInterface plugin raised for every attribute read:
 * its show method used a field it never set. The recorded stacks carry it verbatim as
 * the `name` output's output_error, so the simulation keeps the bug.
 */
export const LOGICAL_INTERFACE_ATTRIBUTE_ERROR = "'ContrailLogicalInterface' object has no attribute 'li_uuid'";

function text(value: unknown): string {
  return heatText(value);
}

function list(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  return value === undefined || value === null || value === '' ? [] : [value];
}

function childFq(objects: ContrailObjects, parentId: unknown, parentFallback: string[], name: unknown): string[] {
  const parent = typeof parentId === 'string' ? objects.fqName(parentId) : undefined;
  return [...(parent ?? [...parentFallback, text(parentId)]), text(name)];
}

// A MAC in Contrail's locally administered 02: range, derived from the interface uuid.
function macFor(uuid: string): string {
  const hex = uuid.replace(/-/g, '').slice(-10);
  return ['02', ...(hex.match(/../g) ?? [])].join(':');
}

function configPath(path: unknown): string {
  return list(path)
    .map((step) => (isPlainObject(step) ? [step.tag, step.name].filter((p) => p !== undefined && p !== null).map(text).join(' ') : text(step)))
    .join(' ');
}

function contrailTypes(objects: ContrailObjects): SimulatedType[] {
  const remember = (type: string, fq: (p: Record<string, unknown>) => string[]) => ({
    onCreated: (id: string, p: Record<string, unknown>) => objects.register(id, type, fq(p)),
    onDeleted: (id: string) => objects.forget(id),
  });

  const routerFq = (p: Record<string, unknown>) => [GLOBAL_CONFIG, text(p.name)];
  const physicalInterfaceFq = (p: Record<string, unknown>) => childFq(objects, p.physical_router, [GLOBAL_CONFIG], p.name);
  const logicalInterfaceFq = (p: Record<string, unknown>) =>
    childFq(objects, p.physical_interface, [GLOBAL_CONFIG, 'unknown-router'], p.name);
  const projectFq = (p: Record<string, unknown>) => [...PROJECT, text(p.name)];

  return [
    {
      type: 'OS::Contrail::NetconfNamedConfigs',
      required: ['device_ip', 'username', 'configs'],
      immutable: ['device_ip'],
      attributes: (p) => ({
        device_ip: p.device_ip,
        port: p.port ?? 830,
        on_update: p.on_update ?? 'replace',
        applied_configs: list(p.configs).map((c) => ({
          path: configPath(isPlainObject(c) ? c.path : undefined),
          config: isPlainObject(c) ? text(c.config) : text(c),
        })),
      }),
    },
    {
      // Looks up an object someone else created; the stack never owns it.
      type: 'OS::Contrail::ExistingResource',
      required: ['fq_name', 'resource_type'],
      immutable: ['fq_name', 'resource_type'],
      external: true,
      givenId: (p) => {
        const fq = list(p.fq_name).map(text);
        return objects.findId(text(p.resource_type), fq) ?? uuidFromName(`${text(p.resource_type)}:${fq.join(':')}`);
      },
      attributes: (p) => {
        const fq = list(p.fq_name).map(text);
        return { name: fq[fq.length - 1] ?? '', fq_name: fq, resource_type: p.resource_type };
      },
    },
    {
      type: 'OS::Contrail::PhysicalRouter',
      required: ['name'],
      immutable: ['name'],
      ...remember('physical_router', routerFq),
      attributes: (p) => ({
        name: p.name,
        fq_name: routerFq(p),
        vendor_name: p.vendor_name ?? '',
        product_name: p.product_name ?? '',
        management_ip: p.management_ip ?? '',
        dataplane_ip: p.dataplane_ip ?? '',
        vnc_managed: p.vnc_managed ?? false,
        virtual_routers: list(p.virtual_routers).filter((r) => r !== ''),
        physical_interfaces: [],
        logical_interfaces: [],
      }),
    },
    {
      type: 'OS::Contrail::PhysicalInterface',
      required: ['name', 'physical_router'],
      immutable: ['name', 'physical_router'],
      ...remember('physical_interface', physicalInterfaceFq),
      attributes: (p) => ({ name: p.name, fq_name: physicalInterfaceFq(p), physical_router: p.physical_router }),
    },
    {
      type: 'OS::Contrail::LogicalInterface',
      required: ['name'],
      immutable: ['name', 'physical_interface'],
      ...remember('logical_interface', logicalInterfaceFq),
      attributes: () => ({}),
      attributeError: () => LOGICAL_INTERFACE_ATTRIBUTE_ERROR,
    },
    {
      type: 'OS::Contrail::VirtualNetwork',
      required: ['name'],
      immutable: ['name', 'uuid'],
      givenId: (p) => (typeof p.uuid === 'string' ? p.uuid : undefined),
      ...remember('virtual_network', projectFq),
      attributes: (p) => ({
        name: p.name,
        fq_name: projectFq(p),
        route_targets: list(p.route_targets),
        forwarding_mode: p.forwarding_mode ?? 'l2_l3',
        shared: p.shared ?? false,
        admin_state_up: p.admin_state_up ?? true,
      }),
    },
    {
      type: 'OS::Contrail::VnSubnet',
      required: ['network_id', 'ip_prefix'],
      immutable: ['network_id', 'ip_prefix'],
      attributes: (p) => ({
        name: p.name,
        network_id: p.network_id,
        ip_prefix: p.ip_prefix,
        default_gateway: p.default_gateway ?? '0.0.0.0',
        ipam: p.ipam ?? '',
        enable_dhcp: p.enable_dhcp ?? true,
      }),
    },
    {
      type: 'OS::Contrail::Subnet',
      required: ['name', 'ip_prefix'],
      immutable: ['name'],
      ...remember('subnet', projectFq),
      attributes: (p) => ({
        name: p.name,
        fq_name: projectFq(p),
        ip_prefix: p.ip_prefix,
        virtual_machine_interfaces: list(p.virtual_machine_interfaces),
      }),
    },
    {
      type: 'OS::Contrail::VirtualMachineInterface',
      required: ['virtual_networks'],
      immutable: ['uuid', 'name'],
      givenId: (p) => (typeof p.uuid === 'string' ? p.uuid : undefined),
      ...remember('virtual_machine_interface', projectFq),
      attributes: (p, id) => {
        const macs = list(p.virtual_machine_interface_mac_addresses).filter((m) => m !== '');
        return {
          name: p.name ?? id,
          fq_name: projectFq({ name: p.name ?? id }),
          virtual_machine_interface_mac_addresses: { mac_address: macs.length > 0 ? macs : [macFor(id)] },
          virtual_machine_interface_allowed_address_pairs: p.virtual_machine_interface_allowed_address_pairs ?? {},
          virtual_networks: list(p.virtual_networks),
          virtual_machine: p.virtual_machine ?? '',
          device_owner: p.device_owner ?? '',
          admin_state_up: p.admin_state_up ?? true,
        };
      },
    },
    {
      type: 'OS::Contrail::InstanceIp',
      required: ['network_id'],
      immutable: ['name', 'ip_address', 'network_id'],
      attributes: (p, id) => ({
        name: p.name ?? id,
        fq_name: [text(p.name ?? id)],
        instance_ip_address: p.ip_address,
        subnet_id: p.subnet_id,
        virtual_machine_interfaces: list(p.virtual_machine_interfaces),
      }),
    },
  ];
}

/** Simulated providers for every OS::Contrail::* type the G1 catalog uses. */
export function contrailProviders(options: SimulationOptions = {}, objects = new ContrailObjects()): ResourceProvider[] {
  return contrailTypes(objects).map((spec) => simulatedProvider(spec, options));
}
