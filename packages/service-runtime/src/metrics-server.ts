/**
 * The HTTP side every service shares: GET /metrics (from the telemetry registry:
 * OpenMetrics with exemplars when the client accepts it, as Prometheus does, else the
 * classic text format) and GET /healthz (200 while the service is ready and reaches NATS
 * and etcd, 503 with the reason otherwise: before ready, while stopping, during an
 * outage), for Prometheus and for the compose health checks.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { acceptsOpenMetrics, renderMetrics } from '@esi/telemetry';
import { ServiceHealth } from './service-health.js';

export interface MetricsServer {
  /** e.g. http://127.0.0.1:9464/metrics (the port actually bound when 0 was asked). */
  url: string;
  health: ServiceHealth;
  setReady(ready: boolean): void;
  close(): Promise<void>;
}

/** `addr` is host:port; port 0 takes any free port. */
export async function startMetricsServer(addr: string, health = new ServiceHealth()): Promise<MetricsServer> {
  const cut = addr.lastIndexOf(':');
  const host = addr.slice(0, cut).replace(/^\[(.*)\]$/, '$1');
  const port = Number(addr.slice(cut + 1));
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
    } else if (path === '/metrics') {
      renderMetrics(acceptsOpenMetrics(req.headers.accept)).then(
        ({ contentType, body }) => res.writeHead(200, { 'content-type': contentType }).end(body),
        (err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${err.message}\n`),
      );
    } else if (path === '/healthz') {
      const ok = health.serving;
      res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' }).end(`${health.describe()}\n`);
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
    health,
    setReady: (r) => health.setReady(r),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
