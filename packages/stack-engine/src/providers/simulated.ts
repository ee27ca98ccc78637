import { randomUUID } from 'node:crypto';
import { ProviderError, ReplacementRequired } from '../errors.js';
import { deepEqual } from '../heat-text.js';
import type { ExistingResource, ProviderContext, ResourceProvider, ResourceState } from './types.js';

export interface SimulationOptions {
  /** Pretend every backend call takes this long (honours the timeout's abort signal). */
  readonly latencyMs?: number;
  /**
   * Called after the latency, before a call answers: a simulated backend that finishes
   * only when its caller says so (the replay releases each stack when the recording's
   * job finished, so our jobs end in the recorded order whatever this machine's speed).
   */
  readonly hold?: (ctx: ProviderContext) => Promise<void>;
}

/** How one simulated resource type behaves. */
export interface SimulatedType {
  readonly type: string;
  /** Properties the real plugin refuses to work without. */
  readonly required?: readonly string[];
  /** Properties the backend cannot change in place (names that form an fq_name, ids). */
  readonly immutable?: readonly string[];
  /** An id the caller fixed through a property (Contrail accepts a given uuid); random otherwise. */
  readonly givenId?: (properties: Record<string, unknown>) => string | undefined;
  /** The attributes get_attr can read once the resource exists. */
  readonly attributes: (properties: Record<string, unknown>, physicalId: string) => Record<string, unknown>;
  readonly attributeError?: (attribute: string) => string;
  /** Bookkeeping hooks (e.g. the simulated Contrail object table). */
  readonly onCreated?: (physicalId: string, properties: Record<string, unknown>) => void;
  readonly onDeleted?: (physicalId: string) => void;
  /** A reference to something the stack does not own: deleting it leaves the object alone. */
  readonly external?: boolean;
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0) return signal.aborted ? Promise.reject(signal.reason) : Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function checkRequired(spec: SimulatedType, properties: Record<string, unknown>): void {
  for (const name of spec.required ?? []) {
    const value = properties[name];
    if (value === undefined || value === null) {
      throw new ProviderError(`Property error: properties.${name}: Property ${name} not assigned`);
    }
  }
}

/** Build a provider that behaves like the real plugin without any backend. */
export function simulatedProvider(spec: SimulatedType, options: SimulationOptions = {}): ResourceProvider {
  const latency = options.latencyMs ?? 0;
  const answer = async (ctx: ProviderContext): Promise<void> => {
    await pause(latency, ctx.signal);
    await options.hold?.(ctx);
  };
  const build = (properties: Record<string, unknown>, physicalId: string): ResourceState => ({
    physicalId,
    attributes: spec.attributes(properties, physicalId),
  });
  const provider: ResourceProvider = {
    type: spec.type,
    async create(properties: Record<string, unknown>, ctx: ProviderContext): Promise<ResourceState> {
      checkRequired(spec, properties);
      await answer(ctx);
      const given = spec.givenId?.(properties);
      const physicalId = given !== undefined && given !== '' ? given : randomUUID();
      spec.onCreated?.(physicalId, properties);
      return build(properties, physicalId);
    },
    async update(current: ExistingResource, properties: Record<string, unknown>, ctx: ProviderContext): Promise<ResourceState> {
      checkRequired(spec, properties);
      const changed = (spec.immutable ?? []).filter((p) => !deepEqual(current.properties[p], properties[p]));
      if (changed.length > 0) throw new ReplacementRequired(`${spec.type} cannot change ${changed.join(', ')} in place`);
      await answer(ctx);
      spec.onCreated?.(current.physicalId, properties);
      return build(properties, current.physicalId);
    },
    async delete(current: ExistingResource, ctx: ProviderContext): Promise<void> {
      await answer(ctx);
      if (!spec.external) spec.onDeleted?.(current.physicalId);
    },
  };
  const attributeError = spec.attributeError;
  return attributeError ? { ...provider, attributeError: (attribute) => attributeError(attribute) } : provider;
}
