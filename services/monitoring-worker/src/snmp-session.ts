/**
 * Promise-shaped SNMP v2c requests over net-snmp, with failures sorted into what the
 * poller reports: no answer (SnmpTimeoutError → UNREACHABLE) or an answer that is not
 * SNMP or not sensible (SnmpGarbledError → UNKNOWN).
 */
import { ClassifiedError } from '@esi/errors';
import snmp from 'net-snmp';
import type { Session, Varbind } from 'net-snmp';
import type { SnmpAddress } from './snmp-address.js';

export class SnmpTimeoutError extends ClassifiedError {
  readonly retryable = true;
}

export class SnmpGarbledError extends ClassifiedError {
  readonly retryable = true;
}

export interface SnmpSessionOptions {
  timeoutMs: number;
  retries: number;
}

/** A walk longer than this is a device looping, not an ifName table. */
const MAX_WALK_ROWS = 100_000;

export class SnmpSession {
  private readonly session: Session;
  /** A reply that net-snmp could not parse; a timeout after it means "garbage", not "silent". */
  private garbage: Error | undefined;
  private readonly where: string;

  constructor(addr: SnmpAddress, community: string, opts: SnmpSessionOptions) {
    this.where = `${addr.host}:${addr.port}`;
    this.session = snmp.createSession(addr.host, community, {
      port: addr.port,
      version: snmp.Version2c,
      transport: addr.host.includes(':') ? 'udp6' : 'udp4',
      timeout: opts.timeoutMs,
      retries: opts.retries,
    });
    this.session.on('error', (err) => {
      this.garbage = err;
    });
  }

  get(oids: string[]): Promise<Varbind[]> {
    return new Promise((resolve, reject) => {
      this.session.get(oids, (err, varbinds) => (err ? reject(this.classify(err)) : resolve(varbinds ?? [])));
    });
  }

  /** Every varbind under `oid` (GetBulk), in the agent's order. */
  walk(oid: string): Promise<Varbind[]> {
    const rows: Varbind[] = [];
    let previous = '';
    let loop: Error | undefined;
    return new Promise((resolve, reject) => {
      this.session.subtree(
        oid,
        25,
        (varbinds) => {
          for (const vb of varbinds) {
            // An agent must answer in increasing OID order; one that does not would walk forever.
            if (previous && compareOids(vb.oid, previous) <= 0) loop = new SnmpGarbledError(`${this.where}: walk of ${oid} went backwards at ${vb.oid}`);
            else if (rows.length >= MAX_WALK_ROWS) loop = new SnmpGarbledError(`${this.where}: walk of ${oid} passed ${MAX_WALK_ROWS} rows`);
            if (loop) return true;
            rows.push(vb);
            previous = vb.oid;
          }
        },
        (err) => (loop ? reject(loop) : err ? reject(this.classify(err)) : resolve(rows)),
      );
    });
  }

  close(): void {
    try {
      this.session.close();
    } catch {
      // Closing a session whose socket already failed throws; there is nothing left to free.
    }
  }

  private classify(err: Error): Error {
    if (err.name === 'RequestTimedOutError') {
      return this.garbage
        ? new SnmpGarbledError(`${this.where} answered with garbage: ${this.garbage.message}`, { cause: this.garbage })
        : new SnmpTimeoutError(`${this.where} did not answer`, { cause: err });
    }
    // Socket errors (no route, bad host name) mean the device cannot be reached.
    if ('code' in err && typeof (err as NodeJS.ErrnoException).code === 'string') return new SnmpTimeoutError(`${this.where}: ${err.message}`, { cause: err });
    return new SnmpGarbledError(`${this.where}: ${err.message}`, { cause: err });
  }
}

export function compareOids(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}
