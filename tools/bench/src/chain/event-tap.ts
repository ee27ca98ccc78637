/**
 * Listens (core NATS, no consumer) to every event of the pipeline and keeps, per
 * resource, when each stage happened by the timestamps the services put in their
 * events: accepted (api), dispatched and finished per handler (planner, workers), and
 * the final state (aggregator). Completion waiters resolve on the state event. Only
 * state events are decoded as they arrive; the rest are kept raw and decoded when a
 * phase is analysed, so the tap costs the shared CPU as little as possible.
 */
import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { events, isFinalWorkerState } from '@esi/contracts';

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
  private sub: Subscription | undefined;
  private raw: { subject: string; data: Uint8Array }[] = [];
  private readonly timelines = new Map<string, Timeline>();
  private readonly waiters = new Map<string, Waiter>();

  async start(natsUrl: string): Promise<void> {
    this.nc = await connect({ servers: natsUrl, name: 'bench-tap' });
    this.sub = this.nc.subscribe('esi.>', {
      callback: (err, msg) => {
        if (err) return;
        if (msg.subject.startsWith('esi.state.')) this.onState(msg.data);
        else if (/^esi\.(config|work|result)\./.test(msg.subject)) this.raw.push({ subject: msg.subject, data: msg.data });
      },
    });
  }

  async stop(): Promise<void> {
    for (const w of this.waiters.values()) clearTimeout(w.timer);
    this.sub?.unsubscribe();
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

  /** Forgets everything recorded (between phases, to keep memory flat). */
  clear(): void {
    this.raw = [];
    this.timelines.clear();
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
