import { ContrailObjects } from './contrail-objects.js';
import { contrailProviders } from './contrail.js';
import type { SimulationOptions } from './simulated.js';
import type { ResourceProvider } from './types.js';
import { vnfProviders } from './vnf.js';

/**
 * Simulated providers for every resource type of the G1 catalog, sharing one simulated
 * Contrail object table.
 */
export function createSimulatedProviders(options: SimulationOptions = {}): ResourceProvider[] {
  return [...contrailProviders(options, new ContrailObjects()), ...vnfProviders(options)];
}
