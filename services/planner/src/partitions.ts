/**
 * Which resources this planner plans. With one partition (the default) it plans all of
 * them while it leads (leadership.ts). With more, each partition is held by one active
 * planner at a time (partition-claims.ts) and this process plans the resources of the
 * partitions it holds; the others' jobs are followed from etcd (foreign-jobs.ts) so
 * that dependencies across partitions are still computed (partition-marks.ts).
 */
import { partitionOf, type StoredJob } from '@esi/contracts';

export class Partitions {
  private readonly held = new Set<number>();

  constructor(readonly count: number) {
    // One partition: the leader holds it from the start.
    if (count <= 1) this.held.add(0);
  }

  get partitioned(): boolean {
    return this.count > 1;
  }

  of(resourceId: string): number {
    return partitionOf(resourceId, this.count);
  }

  owns(resourceId: string): boolean {
    return this.held.has(this.of(resourceId));
  }

  ownsJob(job: StoredJob): boolean {
    return this.owns(job.resource_id);
  }

  holds(partition: number): boolean {
    return this.held.has(partition);
  }

  hold(partition: number): void {
    this.held.add(partition);
  }

  /** The partitions held by others (or by nobody) now. */
  others(): number[] {
    return Array.from({ length: this.count }, (_, k) => k).filter((k) => !this.held.has(k));
  }

  get heldList(): number[] {
    return [...this.held].sort((a, b) => a - b);
  }
}
