/**
 * The api removed a resource's /config key after DELETE_COMPLETED: forget its workflow
 * record, then give every delete that waited for dependents another chance.
 */
import { scanPrefix, type OwnedStore, type WriteOp } from '@esi/store';
import { SLICES, plannerMarksPrefix } from '@esi/contracts';

/** Its workflow record goes, and with partitions (`partitions` > 1) its marks (partition-marks.ts). */
export async function forgetResource(store: OwnedStore, type: string, plural: string, id: string, partitions = 1): Promise<void> {
  const marks: WriteOp[] = [];
  if (partitions > 1) await scanPrefix(store, plannerMarksPrefix(type, id), (key) => marks.push({ delete: key }));
  await store.txn([], [{ delete: SLICES.plannerWorkflows.key(plural, id) }, ...marks]);
}

/** Resources whose delete waits for dependents, as (plural, id). */
export async function waitingDeletes(store: OwnedStore): Promise<{ plural: string; id: string }[]> {
  const out: { plural: string; id: string }[] = [];
  // Paged (scanPrefix in @esi/store): one read of every record fails past the client's message limit.
  await scanPrefix(store, SLICES.plannerWorkflows.prefix, (key, raw) => {
    if (!SLICES.plannerWorkflows.parse(raw)?.waiting) return;
    const { plural, id } = SLICES.plannerWorkflows.resourceOf(key) ?? {};
    if (plural && id) out.push({ plural, id });
  });
  return out;
}
