import { createServer } from 'node:net';
import { readFileSync } from 'node:fs';

/**
 * A TCP port that was free a moment ago on 127.0.0.1, for a server a test or the local
 * stack starts next.
 *
 * It is drawn at random from below the kernel's ephemeral range, never from it. Ports in
 * that range are what the kernel hands every outgoing connection as its local port, and a
 * full test run opens thousands (etcd, NATS and gRPC clients); a port asked of the kernel
 * with listen(0) comes from the same pool, so between this call and the server's own bind
 * a client connection could take it (CI saw the api exit on a port it had been given).
 * Ports this process has handed out are not handed out again.
 */
export async function freePort(): Promise<number> {
  const [low, high] = CANDIDATES;
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (handedOut.has(port)) continue;
    if (await bindable(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free port in ${low}-${high - 1} after 200 tries`);
}

const handedOut = new Set<number>();

/** [low, high): from 10000 (1024 if the range starts lower) up to the ephemeral range's start. */
const CANDIDATES: readonly [number, number] = (() => {
  const start = ephemeralStart();
  return [start > 12_000 ? 10_000 : 1_024, start];
})();

function ephemeralStart(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (low !== undefined && Number.isInteger(low) && low > 1_024) return low;
  } catch {
    // Not Linux, or no /proc: assume the IANA dynamic range (49152-65535).
  }
  return 49_152;
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => srv.close(() => resolve(true)));
  });
}
