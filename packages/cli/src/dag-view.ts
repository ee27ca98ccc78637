/**
 * The live progress view of a resource's job DAG: its own jobs and, under each waiting
 * one, the jobs it waits for, each with its status and for how long it has been in it.
 * Explain gives the statuses; this tracker remembers when each status was first seen,
 * so durations need nothing beyond what Explain returns.
 */
import { api } from '@esi/contracts';
import { statusName, workerState } from './format.js';

interface Seen {
  status: string;
  /** When the job was planned (from Explain) or first seen. */
  startMs: number;
  sinceMs: number;
  endMs?: number;
  /** First seen already finished: how long it took is not known here. */
  unknown: boolean;
}

export interface JobRow {
  id: string;
  status: string;
  /** ms in the current status (for a finished job, planned to finished as seen); undefined when unknown. */
  durationMs: number | undefined;
  depth: number;
  detail: string;
}

export class DagTracker {
  private readonly seen = new Map<string, Seen>();
  private readonly startedMs: number;

  constructor(now: number) {
    this.startedMs = now;
  }

  /** Folds a new Explain answer in and returns the rows to show. */
  rows(e: api.ExplainResponse, now: number): JobRow[] {
    const rows: JobRow[] = [];
    for (const j of e.jobs) {
      rows.push(this.row(j.id, statusName(j.status), j.plannedAtMs, 0, `${j.handler}`, now));
      for (const w of j.waitsFor) {
        const state = w.resourceWorkerState ? `${w.resourceWorkerState} v${w.resourceStateVersion}` : 'no state yet';
        rows.push(this.row(w.jobId, statusName(w.status), 0, w.depth, `${w.resourceType} ${w.resourceId}: ${state}`, now));
      }
    }
    return rows;
  }

  private row(id: string, status: string, plannedAtMs: number, depth: number, detail: string, now: number): JobRow {
    let s = this.seen.get(id);
    if (!s) {
      s = { status, startMs: plannedAtMs || now, sinceMs: plannedAtMs && status === 'waiting' ? plannedAtMs : now, unknown: status === 'finished' };
      this.seen.set(id, s);
    } else if (s.status !== status) {
      s.status = status;
      s.sinceMs = now;
      if (status === 'finished') s.endMs = now;
    }
    const durationMs = status === 'finished' ? (s.unknown ? undefined : (s.endMs ?? now) - s.startMs) : now - s.sinceMs;
    return { id, status, durationMs: durationMs === undefined ? undefined : Math.max(0, durationMs), depth, detail };
  }

  frame(e: api.ExplainResponse, now: number): string[] {
    const r = e.resource;
    const head = r ? `${r.resourceType} ${r.id}  version ${r.version}  state ${workerState(r)}  (${secs(now - this.startedMs)} watched)` : '';
    const lines = [head, e.summary];
    for (const row of this.rows(e, now)) {
      const indent = row.depth === 0 ? '  ' : `  ${'   '.repeat(row.depth)}└ `;
      const took = row.durationMs === undefined ? '-' : secs(row.durationMs);
      lines.push(`${indent}${row.status.padEnd(10)} ${took.padStart(7)}  ${row.id}  (${row.detail})`);
    }
    if (e.jobs.length === 0) lines.push('  (no jobs)');
    return lines;
  }
}

export function secs(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/** True when the resource's state is at its config version: nothing left to watch. */
export function settled(e: api.ExplainResponse): boolean {
  const r = e.resource;
  if (!r?.stateJson) return false;
  try {
    const s = JSON.parse(r.stateJson) as { version?: number };
    return (s.version ?? 0) >= r.version;
  } catch {
    return false;
  }
}
