/**
 * Keeps, per resource, when each stage happened by the timestamps the services put in
 * their events: accepted (api), dispatched and finished per handler (planner, workers),
 * and the final state (aggregator). Completion waiters resolve on the state event.
 *
 * Only what cannot be read later is listened to as it happens (core NATS, no consumer):
 * the state events, which end each build, and the work messages, which leave their
 * work-queue stream once acknowledged. The change and result events stay in their
 * streams and are read from there after each level (`collect`), from the sequence each
 * stream had when the level began (`clear`). Listening to every event made the bench
 * driver, and nats-server for it, handle some eight messages per resource during the
 * measured time instead of three. Work messages are kept raw and decoded when a phase is
 * analysed, so the tap costs the shared CPU as little as possible.
 */
import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { jetstreamManager, jetstream, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import { readStreamRange } from '@esi/messaging';
import { STREAMS, events, isFinalWorkerState } from '@esi/contracts';

/** The retained streams read after a level, and the subjects of each the tap needs. */
const READ_AFTER = [
  { stream: STREAMS.config.name, filter: 'esi.config.>' },
  { stream: STREAMS.results.name, filter: 'esi.result.>' },
] as const;

export interface Timeline {
  acceptedAtMs?: number;
  /** First dispatch per handler. */
  dispatchedAtMs: Record<string, number>;
  /** First result per handler. */
  finishedAtMs: Record<string, number>;
  completedAtMs?: number;
  workerState?: string;
}

interface Waiter {
  resolve: (t: Timeline) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export class EventTap {
  private nc: NatsConnection | undefined;
  private jsm: JetStreamManager | undefined;
  private subs: Subscription[] = [];
  private raw: { subject: string; data: Uint8Array }[] = [];
  /** Per stream read after a level: the first sequence not read yet. */
  private readonly from = new Map<string, number>();
  private readonly timelines = new Map<string, Timeline>();
  private readonly waiters = new Map<string, Waiter>();

  async start(natsUrl: string): Promise<void> {
    this.nc = await connect({ servers: natsUrl, name: 'bench-tap' });
    this.jsm = await jetstreamManager(this.nc);
    // The state subject alone: `esi.state.<type>.<id>.deleted` repeats a state event.
    this.subs.push(this.nc.subscribe('esi.state.*.*', { callback: (err, msg) => void (err || this.onState(msg.data)) }));
    this.subs.push(this.nc.subscribe('esi.work.>', { callback: (err, msg) => void (err || this.raw.push({ subject: msg.subject, data: msg.data })) }));
    await this.clear();
  }

  async stop(): Promise<void> {
    for (const w of this.waiters.values()) clearTimeout(w.timer);
    for (const sub of this.subs) sub.unsubscribe();
    await this.nc?.drain();
  }

  /** Resolves with the resource's timeline once it reached a final state. */
  completion(id: string, timeoutMs: number): Promise<Timeline> {
    const t = this.timelines.get(id);
    if (t?.completedAtMs !== undefined) return Promise.resolve(t);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(id);
        reject(new Error(`resource ${id} not settled after ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.set(id, { resolve, reject, timer });
    });
  }

  /** Decodes what arrived since the last call and returns the timeline of a resource. */
  timeline(id: string): Timeline | undefined {
    this.drainRaw();
    return this.timelines.get(id);
  }

  /**
   * Forgets everything recorded (between phases, to keep memory flat); the change and
   * result events are read from here on.
   */
  async clear(): Promise<void> {
    this.raw = [];
    this.timelines.clear();
    for (const { stream } of READ_AFTER) this.from.set(stream, (await this.jsm!.streams.info(stream)).state.last_seq + 1);
  }

  /**
   * Reads the change and result events published since the last `clear` or `collect` from
   * their streams (after a level, outside its measured time), for `timeline`.
   */
  async collect(): Promise<void> {
    const nats = { jsm: this.jsm!, js: jetstream(this.nc!) };
    const visit = (m: JsMsg): void => void this.raw.push({ subject: m.subject, data: m.data });
    for (const { stream, filter } of READ_AFTER) {
      this.from.set(stream, await readStreamRange(nats, stream, filter, visit, { fromSequence: this.from.get(stream)!, batch: 1024 }));
    }
  }

  private of(id: string): Timeline {
    let t = this.timelines.get(id);
    if (!t) this.timelines.set(id, (t = { dispatchedAtMs: {}, finishedAtMs: {} }));
    return t;
  }

  private onState(data: Uint8Array): void {
    const e = events.StateChanged.decode(data);
    if (!isFinalWorkerState(e.workerState)) return;
    const t = this.of(e.resourceId);
    if (t.completedAtMs !== undefined) return;
    t.completedAtMs = Number(e.changedAtMs);
    t.workerState = e.workerState;
    const w = this.waiters.get(e.resourceId);
    if (w) {
      clearTimeout(w.timer);
      this.waiters.delete(e.resourceId);
      w.resolve(t);
    }
  }

  private drainRaw(): void {
    const batch = this.raw;
    this.raw = [];
    for (const { subject, data } of batch) {
      if (subject.startsWith('esi.config.')) {
        const e = events.ResourceChanged.decode(data);
        const t = this.of(e.resourceId);
        t.acceptedAtMs ??= Number(e.acceptedAtMs);
      } else if (subject.startsWith('esi.work.')) {
        const e = events.JobDispatched.decode(data);
        if (!e.job) continue;
        const t = this.of(e.job.resourceId);
        t.dispatchedAtMs[e.job.handler] ??= Number(e.dispatchedAtMs);
      } else {
        const e = events.JobResult.decode(data);
        if (!e.job) continue;
        const t = this.of(e.job.resourceId);
        t.finishedAtMs[e.job.handler] ??= Number(e.finishedAtMs);
      }
    }
  }
}
