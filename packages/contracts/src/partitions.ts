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
 * A commit's marks (services/planner/src/partition-marks.ts): a resource's own mark, put
 * by every plan that stores jobs of it; and one key per reader, put by a plan of
 * partition `k` whose jobs read the resource (one key each, so that commits of different
 * readers never write the same key). Checked as a whole per partition: `plannerReadersPrefix`.
 */
export const plannerOwnMarkKey = (type: string, id: string): string => `/esi-planner/marks/${type}/${id}/own`;
export const plannerReadersPrefix = (type: string, id: string, partition: number): string => `/esi-planner/marks/${type}/${id}/readers/p${partition}/`;
export const plannerReaderMarkKey = (type: string, id: string, partition: number, readerType: string, readerId: string): string =>
  `${plannerReadersPrefix(type, id, partition)}${readerType}/${readerId}`;
/** Every mark of a resource (removed with it). */
export const plannerMarksPrefix = (type: string, id: string): string => `/esi-planner/marks/${type}/${id}/`;
