/**
 * Resolves output_key and list params when a job is dispatched, from the referenced
 * resource's latest stack outputs (its /esi-worker/heat_stacks record).
 */
import { heatStackKey, type HeatStackValue, type JobParamValue, type StoredJob } from '@esi/contracts';
import type { OwnedStore } from '@esi/store';

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
): Promise<Record<string, unknown>> {
  const records = new Map<string, HeatStackValue | undefined>();
  const outputOf = async (ref: OutputRef): Promise<unknown> => {
    const key = heatStackKey(pluralOf(ref.resource_type), ref.resource_id);
    if (!records.has(key)) records.set(key, (await store.getJson<HeatStackValue>(key))?.value);
    const record = records.get(key);
    if (!record) throw new OutputMissingError(`output ${ref.output_key} of ${ref.resource_type} ${ref.resource_id}: the resource has no stack`);
    const out = record.output.find((o) => o.output_key === ref.output_key);
    if (!out) throw new OutputMissingError(`output ${ref.output_key} of ${ref.resource_type} ${ref.resource_id}: the stack has no such output`);
    return out.output_value;
  };
  const resolved: Record<string, unknown> = {};
  for (const p of job.params) {
    if (p.type === 'output_key') resolved[p.param] = await outputOf(p.value as OutputRef);
    else if (p.type === 'list') {
      const items = (p.value as JobParamValue[]) ?? [];
      resolved[p.param] = await Promise.all(items.map((i) => (i.type === 'output_key' ? outputOf(i.value as OutputRef) : i.value)));
    }
  }
  return resolved;
}
