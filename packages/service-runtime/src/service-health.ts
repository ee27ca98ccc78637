/**
 * Whether a service can do its work right now: it has started (logged "ready") and is
 * not stopping, and it reaches NATS and etcd. GET /healthz and the api's gRPC health
 * service both answer from here, so a load balancer or compose stops sending work while
 * a server the service needs is gone, and sends it again once it is back.
 */
import { recordDependencyUp } from '@esi/telemetry';

export type Dependency = 'nats' | 'etcd';

export class ServiceHealth {
  private ready = false;
  /** Dependencies that are down, with why. */
  private readonly down = new Map<Dependency, string>();
  private readonly listeners = new Set<(serving: boolean) => void>();

  setReady(ready: boolean): void {
    this.update(() => void (this.ready = ready));
  }

  /** Records what the last status event or probe said about a server. */
  setDependency(dep: Dependency, up: boolean, reason = 'unreachable'): void {
    recordDependencyUp(dep, up);
    this.update(() => void (up ? this.down.delete(dep) : this.down.set(dep, reason)));
  }

  get serving(): boolean {
    return this.ready && this.down.size === 0;
  }

  /** For /healthz's body and the logs: "ok", "not ready", or what is down. */
  describe(): string {
    const down = [...this.down].map(([dep, why]) => `${dep}: ${why}`);
    if (!this.ready) down.unshift('not ready');
    return down.length ? down.join('; ') : 'ok';
  }

  /** Called with the new value whenever `serving` changes; returns an unsubscribe. */
  onChange(fn: (serving: boolean) => void): () => void {
    this.listeners.add(fn);
    return () => void this.listeners.delete(fn);
  }

  private update(change: () => void): void {
    const before = this.serving;
    change();
    if (this.serving !== before) for (const fn of this.listeners) fn(this.serving);
  }
}
