import { simulatedProvider, type SimulationOptions } from './simulated.js';
import type { ResourceProvider } from './types.js';

/**
 * A stand-in for a type nobody registered, so any catalog runs: every property is
 * readable as an attribute of the same name, plus Heat's `show` with all of them.
 */
export function genericProvider(type: string, options: SimulationOptions = {}): ResourceProvider {
  return simulatedProvider({ type, attributes: (p) => ({ ...p, show: { ...p } }) }, options);
}
