/**
 * HTTP control of a running simulator (JSON in, JSON out):
 *   GET  /devices                               every device and its interfaces
 *   PUT  /devices/<device>/interfaces/<name>    {"status":"down"}  (adds the interface if new)
 *   PUT  /interfaces/<name>                     {"status":"up"}    on every device serving it
 *   PUT  /devices/<device>                      {"responding":false} drop all requests
 * Interface names contain "/" (xe-0/0/4.1025): they travel percent-encoded in the path.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { NotServedError, SimulatorConfigError } from './errors.js';
import type { Simulator } from './simulator.js';

export interface ControlServer {
  url: string;
  close(): Promise<void>;
}

type Controlled = Pick<Simulator, 'state' | 'device' | 'setStatus'>;

export async function startControlServer(sim: Controlled, host: string, port: number): Promise<ControlServer> {
  const server = createServer((req, res) => {
    void handle(sim, req)
      .then((body) => reply(res, 200, body))
      .catch((err: Error) => {
        const status = err instanceof NotServedError ? 404 : err instanceof SimulatorConfigError ? 400 : err instanceof MethodError ? 405 : 500;
        reply(res, status, { error: err.message });
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address();
  const bound = typeof addr === 'object' && addr ? addr.port : port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

class MethodError extends Error {
  override readonly name = 'MethodError';
  readonly retryable = false;
}

async function handle(sim: Controlled, req: IncomingMessage): Promise<unknown> {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const method = req.method ?? 'GET';
  if (parts[0] === 'devices' && parts.length === 1 && method === 'GET') return sim.state();
  if (parts[0] === 'devices' && parts.length === 2) {
    const device = sim.device(parts[1]!);
    if (method === 'GET') return device.state();
    if (method === 'PUT') {
      const body = await readJson(req);
      if (typeof body.responding !== 'boolean') throw new SimulatorConfigError('expected {"responding": true|false}');
      device.setResponding(body.responding);
      return device.state();
    }
  }
  if (parts[0] === 'devices' && parts[2] === 'interfaces' && parts.length === 4) {
    const device = sim.device(parts[1]!);
    if (method === 'GET') return device.requireInterface(parts[3]!);
    if (method === 'PUT') return device.setStatus(parts[3]!, (await readJson(req)).status);
  }
  if (parts[0] === 'interfaces' && parts.length === 2 && method === 'PUT') {
    return sim.setStatus(parts[1]!, (await readJson(req)).status);
  }
  throw new MethodError(`${method} ${path} is not part of the control API`);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  try {
    const v: unknown = JSON.parse(text || '{}');
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch (err) {
    throw new SimulatorConfigError(`request body is not JSON: ${(err as Error).message}`, { cause: err });
  }
  throw new SimulatorConfigError('request body must be a JSON object');
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(`${JSON.stringify(body)}\n`);
}
