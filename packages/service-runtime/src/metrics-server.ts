/**
 * The HTTP side every service shares: GET /metrics (Prometheus text from the telemetry
 * registry) and GET /healthz (200 once the service logged "ready", 503 before and while
 * stopping), for Prometheus and for the compose health checks.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { metricsRegistry } from '@esi/telemetry';

export interface MetricsServer {
  /** e.g. http://127.0.0.1:9464/metrics (the port actually bound when 0 was asked). */
  url: string;
  setReady(ready: boolean): void;
  close(): Promise<void>;
}

/** `addr` is host:port; port 0 takes any free port. */
export async function startMetricsServer(addr: string): Promise<MetricsServer> {
  const cut = addr.lastIndexOf(':');
  const host = addr.slice(0, cut).replace(/^\[(.*)\]$/, '$1');
  const port = Number(addr.slice(cut + 1));
  let ready = false;
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
    } else if (path === '/metrics') {
      metricsRegistry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': metricsRegistry.contentType }).end(text),
        (err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${err.message}\n`),
      );
    } else if (path === '/healthz') {
      res.writeHead(ready ? 200 : 503, { 'content-type': 'text/plain' }).end(ready ? 'ok\n' : 'not ready\n');
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('GET /metrics or /healthz\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  const shownHost = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  return {
    url: `http://${shownHost}:${bound.port}/metrics`,
    setReady: (r) => void (ready = r),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
