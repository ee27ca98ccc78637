/**
 * WatchResources as Server-Sent Events: each api event is one `change` event, the
 * api's "watch is live" headers become a `live` event (from then on nothing is missed),
 * and the stream's end or error is the last event. The browser resumes after a cut with
 * `from` = last revision + 1, as gRPC clients do. Closing the page cancels the call.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { api } from '@esi/contracts';
import type { CallerApi } from './api-calls.js';
import { errorBody, isServiceError } from './grpc-errors.js';

/** A comment line now and then keeps proxies from closing an idle stream. */
const KEEPALIVE_MS = 15_000;

export function streamWatch(calls: CallerApi, req: api.WatchResourcesRequest, httpReq: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
  });
  const send = (event: string, data: unknown): void => {
    // The browser may have gone while the api still had something to say.
    if (closed || res.writableEnded || res.destroyed) return;
    res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  let closed = false;
  const stream = calls.watch(req);
  const keepalive = setInterval(() => res.write(': keepalive\n\n'), KEEPALIVE_MS);
  const finish = (): void => {
    if (closed) return;
    closed = true;
    clearInterval(keepalive);
    res.end();
  };
  stream.on('metadata', () => send('live', {}));
  stream.on('data', (e: api.WatchResourcesResponse) => send('change', e));
  stream.on('end', () => {
    send('end', {});
    finish();
  });
  stream.on('error', (err: unknown) => {
    if (!closed) send('error', isServiceError(err) ? errorBody(err) : { error: { code: 'UNKNOWN', message: String(err), field: null } });
    finish();
  });
  httpReq.on('close', () => {
    closed = true;
    clearInterval(keepalive);
    stream.cancel();
  });
}
