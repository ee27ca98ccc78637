/**
 * etcd3 answers every recoverable error of a call or a stream (a missed deadline, an
 * unavailable member, a stream it ended itself) by closing all of that member's gRPC
 * clients, so that the next call dials afresh. grpc-js keeps a closed connection open
 * for the streams still on it, but pings it at the next keepalive, finds it closed and
 * drops it with every stream on it. Those streams' errors make etcd3 close the clients
 * again, now those of the new connection, where the lease keepalive has just reopened:
 * a cycle with no end. Seen in the planner at 100,000 resources: one health probe missed
 * its deadline while the planner read every key, and from then on its connections
 * dropped every 3 s, its /config watch and lease keepalive with them
 * (channel-reset.test.ts).
 *
 * grpc-js reconnects a channel by itself (its backoff is capped in owned-store.ts) and
 * the member breaker moves calls off a failed member, so the reset buys nothing: this
 * turns it off, and gives it back for closing the client.
 */
import type { Etcd3 } from 'etcd3';

/** The part of etcd3's connection pool this relies on (etcd3 1.x; not in its typings). */
interface PoolHost {
  resetAllServices(): void;
}

/** Turns etcd3's reset-on-error off; returns what turns it on again, to call before close(). */
export function keepChannelsOpen(client: Etcd3): () => void {
  const hosts = (client as unknown as { pool?: { hosts?: PoolHost[] } }).pool?.hosts;
  if (!Array.isArray(hosts) || !hosts.every((h) => typeof h.resetAllServices === 'function')) {
    // A newer etcd3 laid its pool out differently: fail at start, not with dropped streams.
    throw new Error("etcd3's connection pool is not as expected (pool.hosts[].resetAllServices)");
  }
  const resets = hosts.map((h) => h.resetAllServices);
  for (const h of hosts) h.resetAllServices = () => undefined;
  return () => hosts.forEach((h, i) => (h.resetAllServices = resets[i]!));
}
