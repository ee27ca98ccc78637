import { simulatedProvider, type SimulatedType, type SimulationOptions } from './simulated.js';
import type { ResourceProvider } from './types.js';

// Secrets are accepted as properties but never echoed back as attributes, as a real
// plugin would not expose them through get_attr either.
const VNF_TYPES: SimulatedType[] = [
  {
    type: 'ESI::VNF::Instance',
    required: ['flavor', 'image'],
    attributes: (p, id) => ({
      name: p.name === '' || p.name === undefined ? `server-${id.slice(0, 8)}` : p.name,
      status: 'ACTIVE',
      flavor: p.flavor,
      image: p.image,
      networks: p.networks ?? [],
      availability_zone: p.availability_zone ?? '',
    }),
  },
  {
    type: 'ESI::VNF::VyattaConfig',
    required: ['management_ip'],
    attributes: (p) => ({ status: 'CONFIGURED', management_ip: p.management_ip, networks: p.networks ?? [] }),
  },
  {
    type: 'ESI::VNF::NetscalerConfig',
    required: ['management_ip'],
    attributes: (p) => ({ status: 'CONFIGURED', management_ip: p.management_ip, server_id: p.server_id, model: p.model }),
  },
  {
    type: 'ESI::VNF::NetscalerSyslogServer',
    required: ['ip_address', 'management_ip'],
    immutable: ['name'],
    attributes: (p) => ({
      status: 'CONFIGURED',
      name: p.name,
      ip_address: p.ip_address,
      port_number: p.port_number,
      management_ip: p.management_ip,
    }),
  },
];

/** Simulated providers for the ESI::VNF::* types of the G1 catalog. */
export function vnfProviders(options: SimulationOptions = {}): ResourceProvider[] {
  return VNF_TYPES.map((spec) => simulatedProvider(spec, options));
}
