/**
 * Which request field an INVALID_ARGUMENT names: from the standard error model (the
 * google.rpc.BadRequest inside grpc-status-details-bin), else from the api's older
 * esi-field trailer, so esictl reads what every other client reads.
 */
import type { Metadata } from '@grpc/grpc-js';
import { rpcDetails, rpcStatus } from '@esi/contracts';

const BAD_REQUEST = 'type.googleapis.com/google.rpc.BadRequest';

export function errorField(metadata: Metadata | undefined): string | undefined {
  const raw = metadata?.get('grpc-status-details-bin')[0];
  if (Buffer.isBuffer(raw)) {
    try {
      const detail = rpcStatus.Status.decode(raw).details.find((d) => d.typeUrl === BAD_REQUEST);
      const field = detail && rpcDetails.BadRequest.decode(detail.value).fieldViolations[0]?.field;
      if (field) return field;
    } catch {
      // A trailer this client cannot decode: the older trailer may still say it.
    }
  }
  const legacy = metadata?.get('esi-field')[0];
  return typeof legacy === 'string' ? legacy : undefined;
}
