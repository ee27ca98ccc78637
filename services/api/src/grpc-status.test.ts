import { Metadata, Server, ServerCredentials, credentials, makeGenericClientConstructor, status, type sendUnaryData, type ServiceError } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { rpcDetails, rpcStatus } from '@esi/contracts';
import {
  HistoryGoneError,
  NotFoundError,
  PermissionDeniedError,
  ReadBudgetExceededError,
  TooManyWatchesError,
  ValidationError,
  VersionConflictError,
} from './errors.js';
import { toServiceError } from './grpc-status.js';

/** The google.rpc.Status a client finds in the trailers, its details decoded by type. */
function standardStatus(err: unknown): { code: number; message: string; details: Map<string, Uint8Array>; metadata: Metadata } {
  const se = toServiceError(err);
  const raw = se.metadata!.get('grpc-status-details-bin')[0] as Buffer;
  const s = rpcStatus.Status.decode(raw);
  expect([s.code, s.message]).toEqual([se.code, se.details]);
  return { code: s.code, message: s.message, details: new Map(s.details.map((d) => [d.typeUrl, d.value])), metadata: se.metadata! };
}

const url = (type: string): string => `type.googleapis.com/google.rpc.${type}`;

describe('errors in the standard error model', () => {
  it('every error has an ErrorInfo whose reason is the code', () => {
    for (const [err, code] of [
      [new PermissionDeniedError('no'), status.PERMISSION_DENIED],
      [new Error('boom'), status.INTERNAL],
      [Object.assign(new Error('etcd down'), { name: 'StoreUnavailableError' }), status.UNAVAILABLE],
    ] as const) {
      const s = standardStatus(err);
      expect(s.code).toBe(code);
      expect(rpcDetails.ErrorInfo.decode(s.details.get(url('ErrorInfo'))!)).toMatchObject({ reason: status[code], domain: 'esi.api' });
    }
  });

  it('INVALID_ARGUMENT: BadRequest with the field path and the reason alone; esi-field still sent', () => {
    const s = standardStatus(new ValidationError('body.vlan_id', 'is required'));
    expect(s.code).toBe(status.INVALID_ARGUMENT);
    expect(rpcDetails.BadRequest.decode(s.details.get(url('BadRequest'))!).fieldViolations).toEqual([{ field: 'body.vlan_id', description: 'is required', reason: 'INVALID_FIELD' }]);
    expect(s.metadata.get('esi-field')).toEqual(['body.vlan_id']);
  });

  it('NOT_FOUND: ResourceInfo; FAILED_PRECONDITION: PreconditionFailure; OUT_OF_RANGE: BadRequest on from_revision', () => {
    const missing = standardStatus(new NotFoundError('network n1 not found', { type: 'network', id: 'n1' }));
    expect(rpcDetails.ResourceInfo.decode(missing.details.get(url('ResourceInfo'))!)).toMatchObject({ resourceType: 'network', resourceName: 'n1' });
    const stale = standardStatus(new VersionConflictError('network n1 is at version 2, not 1'));
    expect(rpcDetails.PreconditionFailure.decode(stale.details.get(url('PreconditionFailure'))!).violations).toEqual([{ type: 'VERSION', subject: '', description: 'network n1 is at version 2, not 1' }]);
    const gone = standardStatus(new HistoryGoneError('revision 5 is no longer kept'));
    expect(gone.code).toBe(status.OUT_OF_RANGE);
    expect(rpcDetails.BadRequest.decode(gone.details.get(url('BadRequest'))!).fieldViolations[0]).toMatchObject({ field: 'from_revision' });
  });

  it('RESOURCE_EXHAUSTED: QuotaFailure naming the limit; UNAVAILABLE: RetryInfo', () => {
    const budget = standardStatus(new ReadBudgetExceededError('too many reads'));
    expect(rpcDetails.QuotaFailure.decode(budget.details.get(url('QuotaFailure'))!).violations[0]).toMatchObject({ subject: 'ESI_API_MAX_READS_PER_CALL' });
    const watches = standardStatus(new TooManyWatchesError('too many watches'));
    expect(rpcDetails.QuotaFailure.decode(watches.details.get(url('QuotaFailure'))!).violations[0]).toMatchObject({ subject: 'ESI_API_MAX_WATCHES_PER_CALLER' });
    const down = standardStatus(Object.assign(new Error('nats down'), { name: 'RetryableError' }));
    expect(rpcDetails.RetryInfo.decode(down.details.get(url('RetryInfo'))!).retryDelay).toEqual({ seconds: 1, nanos: 0 });
  });
});

describe('what the client sent, quoted back', () => {
  /** A one-method service over loopback whose handler fails with `err`, as the api's do. */
  async function callFailingWith(err: Error): Promise<{ code: number; details: string; field: unknown }> {
    const method = {
      path: '/test.Echo/Fail',
      requestStream: false,
      responseStream: false,
      requestSerialize: (b: Buffer) => b,
      requestDeserialize: (b: Buffer) => b,
      responseSerialize: (b: Buffer) => b,
      responseDeserialize: (b: Buffer) => b,
    };
    const server = new Server();
    server.addService({ Fail: method }, { Fail: (_call: unknown, cb: sendUnaryData<Buffer>) => cb(toServiceError(err) as ServiceError) });
    const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
    const Client = makeGenericClientConstructor({ Fail: method }, 'Echo');
    const client = new Client(`127.0.0.1:${port}`, credentials.createInsecure()) as unknown as Record<string, (req: Buffer, cb: (e: ServiceError | null) => void) => void>;
    try {
      return await new Promise((resolve) =>
        client.Fail!(Buffer.alloc(0), (e) => resolve({ code: e!.code, details: e!.details, field: e!.metadata.get('esi-field')[0] })),
      );
    } finally {
      (client as unknown as { close(): void }).close();
      server.forceShutdown();
    }
  }

  it('half a surrogate pair in a message or a field path reaches the client, and the server lives', async () => {
    const answer = await callFailingWith(new ValidationError('body_json.parameter_mappings.\ud83d', '"\ud83d": unknown compact mapping'));
    expect(answer.code).toBe(status.INVALID_ARGUMENT);
    expect(answer.details).toBe('body_json.parameter_mappings.\ufffd: "\ufffd": unknown compact mapping');
    expect(answer.field).toBe('body_json.parameter_mappings.\\ud83d');
    const accented = await callFailingWith(new ValidationError('body.nom_é', 'is required'));
    expect([accented.details, accented.field]).toEqual(['body.nom_é: is required', 'body.nom_\\u00e9']);
  });
});
