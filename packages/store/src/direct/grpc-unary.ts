/**
 * Unary gRPC calls over Node's own HTTP/2 client, for the few methods the store sends
 * most (direct-kv.ts). grpc-js spends about as much CPU on a call's machinery (resolving,
 * load balancing, a filter stack of promises, per-call timers) as Node spends on the
 * HTTP/2 stream itself; a call here is the stream alone: headers, one length-prefixed
 * message, the answer and its status trailer.
 *
 * One connection per endpoint, opened on first use and again after it closed. While
 * calls are open the connection is pinged (every 6 s, as the etcd3 client's is: etcd
 * turns away clients that ping more often than every 5 s), and a ping unanswered for 3 s
 * destroys it, failing its calls as UNAVAILABLE rather than leaving them to wait for TCP.
 */
import http2 from 'node:http2';

/** gRPC status codes used here (the rest arrive from the server as numbers). */
export const GRPC_STATUS = { OK: 0, CANCELLED: 1, UNKNOWN: 2, RESOURCE_EXHAUSTED: 8, INTERNAL: 13, UNAVAILABLE: 14 } as const;

const STATUS_NAMES = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
];

/**
 * A failed call, worded as grpc-js words its errors ("14 UNAVAILABLE: …") so etcd3's
 * classification (castGrpcError) reads it as it reads grpc-js's.
 */
export class GrpcCallError extends Error {
  constructor(
    readonly code: number,
    details: string,
  ) {
    super(`${code} ${STATUS_NAMES[code] ?? 'UNKNOWN'}: ${details}`);
  }
}

export interface UnaryOptions {
  /** Answers larger than this fail with RESOURCE_EXHAUSTED, as grpc-js's default limit (4 MiB). */
  maxReceiveBytes?: number;
  pingIntervalMs?: number;
  pingTimeoutMs?: number;
}

const DEFAULTS: Required<UnaryOptions> = { maxReceiveBytes: 4 * 1024 * 1024, pingIntervalMs: 6_000, pingTimeoutMs: 3_000 };

export class GrpcUnaryClient {
  private session: http2.ClientHttp2Session | undefined;
  private pinger: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly options: Required<UnaryOptions>;

  constructor(
    /** http://host:port */
    readonly endpoint: string,
    options: UnaryOptions = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** Sends one request message to `path` (/package.Service/Method); resolves with the answer's bytes. */
  call(path: string, message: Buffer): Promise<Buffer> {
    if (this.closed) return Promise.reject(new GrpcCallError(GRPC_STATUS.CANCELLED, 'client closed'));
    let session: http2.ClientHttp2Session;
    try {
      session = this.connection();
    } catch (err) {
      return Promise.reject(new GrpcCallError(GRPC_STATUS.UNAVAILABLE, (err as Error).message));
    }
    return new Promise<Buffer>((resolve, reject) => {
      let stream: http2.ClientHttp2Stream;
      try {
        stream = session.request({ ':method': 'POST', ':path': path, 'content-type': 'application/grpc', te: 'trailers' });
      } catch (err) {
        // The session closed between the check and the request.
        this.drop(session);
        reject(new GrpcCallError(GRPC_STATUS.UNAVAILABLE, (err as Error).message));
        return;
      }
      holdOpen(session, 1);
      const chunks: Buffer[] = [];
      let received = 0;
      let status: number | undefined;
      let details = '';
      let settled = false;
      const finish = (err: Error | undefined, value?: Buffer): void => {
        if (settled) return;
        settled = true;
        holdOpen(session, -1);
        if (err) reject(err);
        else resolve(value!);
      };
      const readStatus = (headers: http2.IncomingHttpHeaders): void => {
        const s = headers['grpc-status'];
        if (s !== undefined) {
          status = Number(s);
          details = decodeMessage(headers['grpc-message']);
        }
      };
      stream.on('response', (headers) => {
        const httpStatus = headers[':status'];
        if (httpStatus !== 200) {
          stream.close(http2.constants.NGHTTP2_CANCEL);
          finish(new GrpcCallError(httpStatus === 503 ? GRPC_STATUS.UNAVAILABLE : GRPC_STATUS.UNKNOWN, `HTTP status ${httpStatus}`));
          return;
        }
        readStatus(headers); // a trailers-only answer (an error) carries its status here
      });
      stream.on('trailers', readStatus);
      stream.on('data', (chunk: Buffer) => {
        if (settled) return; // what still arrives after a refusal for size
        received += chunk.length;
        if (received > this.options.maxReceiveBytes + 5) {
          stream.close(http2.constants.NGHTTP2_CANCEL);
          finish(new GrpcCallError(GRPC_STATUS.RESOURCE_EXHAUSTED, `Received message larger than max (${received} vs ${this.options.maxReceiveBytes})`));
          return;
        }
        chunks.push(chunk);
      });
      stream.on('end', () => {
        if (status === undefined) return finish(new GrpcCallError(GRPC_STATUS.UNKNOWN, 'answer ended without a status'));
        if (status !== GRPC_STATUS.OK) return finish(new GrpcCallError(status, details));
        try {
          finish(undefined, unframe(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received)));
        } catch (err) {
          finish(new GrpcCallError(GRPC_STATUS.INTERNAL, (err as Error).message));
        }
      });
      stream.on('error', (err) => finish(new GrpcCallError(GRPC_STATUS.UNAVAILABLE, err.message)));
      // Every stream closes, most after their answer: the error is made only when none came.
      stream.on('close', () => settled || finish(new GrpcCallError(GRPC_STATUS.UNAVAILABLE, `stream closed (code ${stream.rstCode ?? 'none'})`)));
      stream.end(frame(message));
    });
  }

  close(): void {
    this.closed = true;
    clearInterval(this.pinger);
    this.session?.close();
    this.session = undefined;
  }

  private connection(): http2.ClientHttp2Session {
    const current = this.session;
    if (current && !current.closed && !current.destroyed) return current;
    const session = http2.connect(this.endpoint);
    session.on('error', () => this.drop(session)); // its calls fail with their own errors
    session.on('goaway', () => this.drop(session)); // calls already sent may finish; new ones open a new connection
    session.on('close', () => this.drop(session));
    session.unref(); // an idle connection keeps no process alive
    this.session = session;
    this.startPinging();
    return session;
  }

  private drop(session: http2.ClientHttp2Session): void {
    if (this.session === session) this.session = undefined;
  }

  private startPinging(): void {
    if (this.pinger) return;
    this.pinger = setInterval(() => {
      const session = this.session;
      if (!session || !callsOn.get(session) || session.closed || session.destroyed) return;
      const timer = setTimeout(() => {
        this.drop(session);
        session.destroy(new Error('ping unanswered'));
      }, this.options.pingTimeoutMs);
      timer.unref();
      const fail = (err: Error): void => {
        clearTimeout(timer);
        this.drop(session);
        session.destroy(err);
      };
      try {
        // false: earlier pings are still unanswered, and the timer of one of those runs.
        if (!session.ping((err) => (err ? fail(err) : clearTimeout(timer)))) clearTimeout(timer);
      } catch (err) {
        // A session that cannot be pinged now (closing, or not yet connected) is given up.
        fail(err as Error);
      }
    }, this.options.pingIntervalMs);
    this.pinger.unref();
  }
}

const callsOn = new WeakMap<http2.ClientHttp2Session, number>();

/** Keeps the process alive while a connection has calls open, as grpc-js does; an idle one does not. */
function holdOpen(session: http2.ClientHttp2Session, delta: number): void {
  const n = (callsOn.get(session) ?? 0) + delta;
  callsOn.set(session, n);
  if (session.destroyed) return;
  if (n > 0 && n === delta) session.ref();
  else if (n === 0) session.unref();
}

/** A gRPC message frame: not compressed, its length, the message. */
function frame(message: Buffer): Buffer {
  const out = Buffer.allocUnsafe(5 + message.length);
  out[0] = 0;
  out.writeUInt32BE(message.length, 1);
  message.copy(out, 5);
  return out;
}

/** The one message of a unary answer. */
function unframe(body: Buffer): Buffer {
  if (body.length < 5) throw new Error('answer shorter than a message frame');
  if (body[0] !== 0) throw new Error('compressed answer, none was asked for');
  const length = body.readUInt32BE(1);
  if (body.length !== 5 + length) throw new Error(`answer of ${body.length - 5} bytes, its frame says ${length}`);
  return body.subarray(5);
}

/** grpc-message is percent-encoded. */
function decodeMessage(value: string | string[] | undefined): string {
  const text = Array.isArray(value) ? value.join(', ') : (value ?? '');
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
