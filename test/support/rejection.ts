import type { ServiceError } from '@grpc/grpc-js';

/** The error a gRPC call failed with; the test fails when the call succeeded. */
export async function rejection(p: Promise<unknown>, what = 'the call'): Promise<ServiceError> {
  try {
    await p;
  } catch (err) {
    return err as ServiceError;
  }
  throw new Error(`expected ${what} to fail`);
}
