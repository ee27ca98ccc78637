/**
 * Resolves output_key and list params when a job is dispatched, from the referenced
 * resource's latest stack outputs: as its last heat result reported them (seen-outputs.ts),
 * else its /esi-worker/heat_stacks record.
 */
import type { SharedTypes } from '@esi/catalog';
import { SLICES, configKey, heatStackKey, type HeatStackValue, type JobParamValue, type StoredJob } from '@esi/contracts';
import type { OwnedStore } from '@esi/store';
import type { SeenOutputs } from './seen-outputs.js';
import { jobMayReference } from './tenant-view.js';

export class OutputMissingError extends Error {
  override readonly name = 'OutputMissingError';
}

interface OutputRef {
  output_key: string;
  resource_type: string;
  resource_id: string;
}

export async function resolveOutputs(
  job: StoredJob,
  store: OwnedStore,
  pluralOf: (type: string) => string,
  isShared: SharedTypes,
  seen?: SeenOutputs,
): Promise<Record<string, unknown>> {
  const records = new Map<string, Pick<HeatStackValue, 'output'> | undefined>();
  const outputOf = async (ref: OutputRef): Promise<unknown> => {
    const key = heatStackKey(pluralOf(ref.resource_type), ref.resource_id);
    if (!records.has(key)) records.set(key, seenFor(job, ref, isShared, seen) ?? (await stackFor(job, ref, store, pluralOf, isShared)));
    const record = records.get(key);
    if (!record) throw new OutputMissingError(`output ${ref.output_key} of ${ref.resource_type} ${ref.resource_id}: the resource has no stack`);
    const out = record.output.find((o) => o.output_key === ref.output_key);
    if (!out) throw new OutputMissingError(`output ${ref.output_key} of ${ref.resource_type} ${ref.resource_id}: the stack has no such output`);
    return out.output_value;
  };
  const resolved: Record<string, unknown> = {};
  for (const p of job.params) {
    try {
      if (p.type === 'output_key') resolved[p.param] = await outputOf(p.value as OutputRef);
      else if (p.type === 'list') {
        const items = (p.value as JobParamValue[]) ?? [];
        resolved[p.param] = await Promise.all(items.map((i) => (i.type === 'output_key' ? outputOf(i.value as OutputRef) : i.value)));
      }
    } catch (err) {
      // Named by the param, so the job's error says which field could not be resolved.
      if (err instanceof OutputMissingError) throw new OutputMissingError(`parameter "${p.param}": ${err.message}`);
      throw err;
    }
  }
  return resolved;
}

/**
 * The outputs its last heat result reported, as the job's resource may see them:
 * undefined when none was seen, and etcd answers.
 */
function seenFor(job: StoredJob, ref: OutputRef, isShared: SharedTypes, seen: SeenOutputs | undefined): Pick<HeatStackValue, 'output'> | undefined {
  const s = seen?.get(ref.resource_type, ref.resource_id);
  if (!s) return undefined;
  const own = ref.resource_type === job.resource_type && ref.resource_id === job.resource_id;
  // Another tenant's stack is, to this job, no stack at all: etcd is asked, and says the same.
  if (!own && !jobMayReference(job, isShared, ref.resource_type, ref.resource_id, s.body)) return undefined;
  return { output: s.outputs };
}

/**
 * The stack record of a referenced resource, as the job's resource may see it: the id may
 * have changed hands since the job was planned (deleted, then created again by another
 * tenant), and another tenant's stack is, to this job, no stack at all.
 */
async function stackFor(job: StoredJob, ref: OutputRef, store: OwnedStore, pluralOf: (type: string) => string, isShared: SharedTypes): Promise<HeatStackValue | undefined> {
  const plural = pluralOf(ref.resource_type);
  const own = ref.resource_type === job.resource_type && ref.resource_id === job.resource_id;
  const [config, stack] = await Promise.all([
    own ? undefined : store.read(configKey(plural, ref.resource_id), SLICES.config.parse),
    store.read(heatStackKey(plural, ref.resource_id), SLICES.heatStacks.parse),
  ]);
  if (config && !jobMayReference(job, isShared, ref.resource_type, ref.resource_id, JSON.parse(config.value.body) as Record<string, unknown>)) return undefined;
  return stack?.value;
}
