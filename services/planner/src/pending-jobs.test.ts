/**
 * The indexes of PendingJobs give the answers a scan of every pending job gave, in the
 * same order, through any sequence of plans, dispatches and finished jobs.
 */
import { describe, expect, it } from 'vitest';
import type { StoredJob } from '@esi/contracts';
import { PendingJobs, type PendingJob } from './pending-jobs.js';

/** The scans the indexes replace. */
const scanReady = (p: PendingJobs): string[] =>
  [...p.all()].filter((j) => j.meta.dispatched_attempt === 0 && j.job.dependency.every((d) => !p.has(d))).map((j) => j.job.id);
const scanOfResource = (p: PendingJobs, type: string, id: string): string[] =>
  [...p.all()].filter((j) => j.job.resource_type === type && j.job.resource_id === id).map((j) => j.job.id);

function job(id: string, resource: string, dependency: string[]): PendingJob {
  const stored = { id, resource_type: 'port', resource_id: resource, dependency } as unknown as StoredJob;
  return { job: stored, meta: { template_id: 't', trace: {}, planned_at_ms: 0, dispatched_attempt: 0 } };
}

/** A small deterministic generator, so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

describe('PendingJobs indexes', () => {
  it('answer like a scan of every job, in the same order, over random histories', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const random = rng(seed);
      const pending = new PendingJobs();
      const known: string[] = [];
      for (let step = 0; step < 400; step++) {
        const r = random();
        if (r < 0.45 || known.length === 0) {
          // Plan a job of one of a few resources, depending on a few known ids (some already gone).
          const id = `j${step}`;
          const deps = known.filter(() => random() < 0.05).slice(0, 3);
          pending.set(job(id, `r${Math.floor(random() * 6)}`, deps));
          known.push(id);
        } else if (r < 0.7) {
          // Dispatch some of what is ready, as dispatchReady does when a publish fails.
          for (const p of pending.undispatchedReady()) if (random() < 0.7) p.meta.dispatched_attempt = 1;
        } else if (r < 0.95) {
          pending.delete(known[Math.floor(random() * known.length)]!);
        } else {
          // Set a known job again (same id): it keeps its place.
          const p = pending.get(known[Math.floor(random() * known.length)]!);
          if (p) pending.set({ ...p });
        }
        expect(pending.undispatchedReady().map((p) => p.job.id), `seed ${seed} step ${step}`).toEqual(scanReady(pending));
        const resource = `r${step % 6}`;
        expect(pending.ofResource('port', resource).map((p) => p.job.id)).toEqual(scanOfResource(pending, 'port', resource));
      }
    }
  });

  it('a ready job whose dispatch failed stays ready', () => {
    const pending = new PendingJobs();
    pending.set(job('a', 'r', []));
    expect(pending.undispatchedReady().map((p) => p.job.id)).toEqual(['a']);
    expect(pending.undispatchedReady().map((p) => p.job.id)).toEqual(['a']);
  });

  it('a waiting job becomes ready when its last dependency leaves', () => {
    const pending = new PendingJobs();
    pending.set(job('a', 'r', []));
    pending.set(job('b', 'r', []));
    pending.set(job('c', 's', ['a', 'b']));
    pending.get('a')!.meta.dispatched_attempt = 1;
    pending.get('b')!.meta.dispatched_attempt = 1;
    expect(pending.undispatchedReady()).toEqual([]);
    pending.delete('a');
    expect(pending.undispatchedReady()).toEqual([]);
    pending.delete('b');
    expect(pending.undispatchedReady().map((p) => p.job.id)).toEqual(['c']);
  });

  it('holds planned jobs: planning sees them, nothing dispatches or releases them until they are confirmed; dropped, they release their waiters', () => {
    const pending = new PendingJobs();
    const base = job('a', 'r1', []);
    pending.set(base);
    const held = job('b', 'r2', ['a']).job;
    const heldFree = job('c', 'r3', []).job;
    pending.hold([held, heldFree]);
    expect(pending.ofResource('port', 'r2').map((p) => p.job.id)).toEqual(['b']);
    expect([...pending.all()].map((p) => p.job.id)).toEqual(['a', 'b', 'c']);
    // Ready as far as dependencies go, but held: not dispatched, not released by a's end.
    expect(pending.undispatchedReady().map((p) => p.job.id)).toEqual(['a']);
    expect(pending.waitingFor('a')).toEqual([]);
    pending.set(job('c', 'r3', []));
    expect(pending.isHeld('c')).toBe(false);
    expect(pending.undispatchedReady().map((p) => p.job.id)).toEqual(['a', 'c']);
    // A job that waits for the held one is released when the plan is dropped.
    pending.set(job('d', 'r4', ['b']));
    expect(pending.undispatchedReady().map((p) => p.job.id)).toEqual(['a', 'c']);
    pending.dropHeld(['b', 'c']);
    expect(pending.has('b')).toBe(false);
    expect(pending.has('c')).toBe(true);
    expect(pending.undispatchedReady().map((p) => p.job.id)).toEqual(['a', 'c', 'd']);
  });

  it('tells a plan whether a held job it depends on was stored or dropped', async () => {
    const pending = new PendingJobs();
    pending.set(job('a', 'r1', []));
    pending.hold([job('b', 'r2', []).job, job('c', 'r3', []).job]);
    const b = pending.whenStored('b');
    const c = pending.whenStored('c');
    pending.set(job('b', 'r2', []));
    pending.dropHeld(['c']);
    expect(await b).toBe(true);
    expect(await c).toBe(false);
    // Not held: answered at once from what is pending.
    expect(await pending.whenStored('a')).toBe(true);
    expect(await pending.whenStored('gone')).toBe(false);
  });
});
