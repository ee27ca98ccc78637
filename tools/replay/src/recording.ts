/**
 * Reads recorded scenario files (format: ../shared/reference/README.md) into one
 * timeline: every event of every file, once, in etcd order (`seq` is global to a run).
 */
import { readFileSync } from 'node:fs';

export interface RecordedEvent {
  seq: number;
  action: string;
  key: string;
  value: unknown;
  body_decoded?: Record<string, unknown>;
}

export interface Recording {
  config: RecordedEvent[];
  jobs: RecordedEvent[];
  states: RecordedEvent[];
  /** /monitoring writes of the poller (item statuses), in order. */
  monitoring: RecordedEvent[];
  /** /esi-worker/heat_stacks writes (one per finished stack operation), in order. */
  heatStacks: RecordedEvent[];
  /** File each config and /monitoring event came from, for the per-request report. */
  requestOf: Map<number, string>;
}

interface ScenarioFile {
  scenario: string;
  config?: RecordedEvent[];
  expected_jobs?: RecordedEvent[];
  expected_state?: RecordedEvent[];
  expected_monitoring?: RecordedEvent[];
  expected_heat_stacks?: RecordedEvent[];
}

export function readRecording(files: string[]): Recording {
  const config = new Map<number, RecordedEvent>();
  const jobs = new Map<number, RecordedEvent>();
  const states = new Map<number, RecordedEvent>();
  const monitoring = new Map<number, RecordedEvent>();
  const heatStacks = new Map<number, RecordedEvent>();
  const requestOf = new Map<number, string>();
  for (const file of files) {
    const data = JSON.parse(readFileSync(file, 'utf8')) as ScenarioFile;
    if (!Array.isArray(data.config)) throw new Error(`${file}: not a recorded scenario (no "config" list)`);
    for (const e of data.config) {
      config.set(e.seq, e);
      if (!requestOf.has(e.seq)) requestOf.set(e.seq, data.scenario);
    }
    for (const e of data.expected_jobs ?? []) jobs.set(e.seq, e);
    for (const e of data.expected_state ?? []) states.set(e.seq, e);
    for (const e of data.expected_heat_stacks ?? []) heatStacks.set(e.seq, e);
    for (const e of data.expected_monitoring ?? []) {
      monitoring.set(e.seq, e);
      // The recorded poller wrote long after the request (seq order puts it requests later).
      if (!requestOf.has(e.seq)) requestOf.set(e.seq, data.scenario);
    }
  }
  const ordered = (m: Map<number, RecordedEvent>): RecordedEvent[] => [...m.values()].sort((a, b) => a.seq - b.seq);
  return { config: ordered(config), jobs: ordered(jobs), states: ordered(states), monitoring: ordered(monitoring), heatStacks: ordered(heatStacks), requestOf };
}

/** The decoded body of a recorded /config write. */
export function bodyOf(e: RecordedEvent): Record<string, unknown> {
  if (e.body_decoded) return e.body_decoded;
  const v = e.value as { body?: unknown };
  return typeof v.body === 'string' ? (JSON.parse(v.body) as Record<string, unknown>) : ((v.body as Record<string, unknown>) ?? {});
}
