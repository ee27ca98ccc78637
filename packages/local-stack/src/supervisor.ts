/**
 * Restarts a service that died on its own, with exponential backoff, and says so; a
 * service that stays up for a while earns its backoff back. Stops it for good on request.
 */
import type { ServiceName } from '@esi/contracts';
import { startService, type LaunchOptions, type ServiceProcess } from './services.js';

export interface SupervisorEvents {
  onRestart?: (name: ServiceName, attempt: number, delayMs: number, exit: string) => void;
}

export class Supervisor {
  private stopped = false;
  private readonly intended = new WeakSet<ServiceProcess>();
  private readonly failures = new Map<ServiceName, { count: number; since: number }>();
  private readonly timers = new Set<NodeJS.Timeout>();
  restarts = 0;

  constructor(
    private readonly services: Map<ServiceName, ServiceProcess>,
    private readonly launch: LaunchOptions,
    private readonly events: SupervisorEvents = {},
  ) {
    for (const svc of services.values()) this.watch(svc);
  }

  /** Marks a process as stopped on purpose, so its exit is not a crash. */
  expectExit(svc: ServiceProcess | undefined): void {
    if (svc) this.intended.add(svc);
  }

  adopt(svc: ServiceProcess): void {
    this.watch(svc);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    for (const svc of this.services.values()) this.intended.add(svc);
  }

  private watch(svc: ServiceProcess): void {
    svc.process.proc.on('exit', (code, signal) => {
      if (this.stopped || this.intended.has(svc) || this.services.get(svc.name) !== svc) return;
      const now = Date.now();
      const f = this.failures.get(svc.name);
      // Up for a minute: the next crash starts the backoff afresh.
      const count = f && now - f.since < 60_000 ? f.count + 1 : 1;
      this.failures.set(svc.name, { count, since: now });
      const delayMs = Math.min(10_000, 250 * 2 ** (count - 1));
      this.events.onRestart?.(svc.name, count, delayMs, signal ?? `code ${code}`);
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        if (this.stopped) return;
        const next = startService(svc.name, this.launch);
        this.services.set(svc.name, next);
        this.restarts++;
        next.ready.catch(() => undefined);
        this.watch(next);
      }, delayMs);
      this.timers.add(timer);
    });
  }
}
