/**
 * Planner partitions: with more than one, each active planner plans the resources of
 * the partitions it holds (services/planner/src/partitions.ts). A resource's partition
 * is a hash of its id, so every event about it (its changes, its jobs' results) reaches
 * the same planner, and a client or a test can tell which planner plans a resource.
 */

/** The partition of a resource id among `count` (FNV-1a, 32 bits: stable across processes and versions). */
export function partitionOf(resourceId: string, count: number): number {
  if (count <= 1) return 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < resourceId.length; i++) {
    h ^= resourceId.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % count;
}

/**
 * A commit's marks (services/planner/src/partition-marks.ts): one key per resource and
 * partition, put by every plan of that partition that changes the jobs concerning the
 * resource (its own, or those that read it).
 */
export const plannerMarkKey = (type: string, id: string, partition: number): string => `/esi-planner/marks/${type}/${id}/p${partition}`;
