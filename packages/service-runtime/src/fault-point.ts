/**
 * Test-only fault injection: ESI_FAULT makes a service die abruptly (SIGKILL, no cleanup)
 * the N-th time it reaches a named point, so fault tests can aim their kills at the
 * moments that matter (between an etcd write and its publish, between a publish and the
 * ack, in the middle of a stack) instead of hoping a random kill lands there.
 *
 *   ESI_FAULT=<point>[.<action>]:<service>:<n>[,<more>...]
 *
 * point:   after-etcd-write | after-publish | mid-stack
 * action:  create | update | delete; counts only the passes made for a change of that
 *          kind (omitted: every pass counts)
 * service: the service that dies (the variable may be given to all of them)
 * n:       ≥ 1, the pass (in one life of the process) that kills it
 *
 * ESI_FAULT_STATE=<file>: each fault that fires appends its spec to this file first, and
 * a process never arms a spec the file already lists, so a service restarted by its
 * supervisor is killed once per spec, not at every restart; the test reads it back to
 * know its kills happened. Unset, a fault fires in every life of the process.
 *
 * Unset (the default) nothing is armed and faultPoint() is a map lookup.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { SERVICE_NAMES, type ServiceName } from '@esi/contracts';

export const FAULT_POINTS = ['after-etcd-write', 'after-publish', 'mid-stack'] as const;
export type FaultPointName = (typeof FAULT_POINTS)[number];
export const FAULT_ACTIONS = ['create', 'update', 'delete'] as const;
export type FaultAction = (typeof FAULT_ACTIONS)[number];

export interface FaultSpec {
  /** The text of the spec, as written in ESI_FAULT (and in the state file). */
  readonly text: string;
  readonly point: FaultPointName;
  readonly action?: FaultAction;
  readonly service: ServiceName;
  readonly nth: number;
}

/** Parses ESI_FAULT; throws naming the bad item, so a typo fails at start, not silently. */
export function parseFaultSpecs(raw: string): FaultSpec[] {
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((text) => {
      const m = /^([a-z-]+)(?:\.([a-z]+))?:([a-z-]+):(\d+)$/.exec(text);
      if (!m) throw new Error(`${JSON.stringify(text)}: expected <point>[.<action>]:<service>:<n>`);
      const [, point, action, service, n] = m as unknown as [string, string, string | undefined, string, string];
      if (!(FAULT_POINTS as readonly string[]).includes(point)) throw new Error(`${JSON.stringify(text)}: point must be one of ${FAULT_POINTS.join(', ')}`);
      if (action !== undefined && !(FAULT_ACTIONS as readonly string[]).includes(action)) {
        throw new Error(`${JSON.stringify(text)}: action must be one of ${FAULT_ACTIONS.join(', ')}`);
      }
      if (!(SERVICE_NAMES as readonly string[]).includes(service)) throw new Error(`${JSON.stringify(text)}: service must be one of ${SERVICE_NAMES.join(', ')}`);
      const nth = Number(n);
      if (nth < 1) throw new Error(`${JSON.stringify(text)}: n must be at least 1`);
      return { text, point: point as FaultPointName, ...(action ? { action: action as FaultAction } : {}), service: service as ServiceName, nth };
    });
}

interface Armed {
  readonly spec: FaultSpec;
  passes: number;
}

let armed: Armed[] = [];
let stateFile = '';

/** Arms this process's faults (called once by runService after parsing its config). */
export function armFaults(specs: readonly FaultSpec[], service: ServiceName, stateFilePath = ''): void {
  stateFile = stateFilePath;
  const fired = new Set(firedFaults(stateFilePath));
  armed = specs.filter((s) => s.service === service && !fired.has(s.text)).map((spec) => ({ spec, passes: 0 }));
}

/** The specs the state file says have fired (in order; one line each). */
export function firedFaults(stateFilePath: string): string[] {
  if (!stateFilePath) return [];
  try {
    return readFileSync(stateFilePath, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

/** The change kinds the services name, in the fault's vocabulary. */
export function faultActionOf(action: string | undefined): FaultAction | undefined {
  if (action === 'create') return 'create';
  if (action === 'modify' || action === 'update') return 'update';
  if (action === 'delete' || action === 'logical_delete') return 'delete';
  return undefined;
}

/**
 * A place a test may aim a kill at. `action` is the kind of change being served
 * (create/modify/update/delete as the caller names it), when it knows.
 */
export function faultPoint(point: FaultPointName, action?: string): void {
  if (armed.length === 0) return;
  const kind = faultActionOf(action);
  for (const a of armed) {
    if (a.spec.point !== point || (a.spec.action !== undefined && a.spec.action !== kind)) continue;
    a.passes += 1;
    if (a.passes < a.spec.nth) continue;
    // Written synchronously before dying: the page cache survives SIGKILL.
    if (stateFile) appendFileSync(stateFile, `${a.spec.text}\n`);
    process.stderr.write(`ESI_FAULT ${a.spec.text}: killing ${a.spec.service} (pid ${process.pid})\n`);
    // No cleanup, no flushing, no drain: the same as a SIGKILL from outside.
    process.kill(process.pid, 'SIGKILL');
  }
}
