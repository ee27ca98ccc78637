/** A small promise-based client for the ResourceService. */
import { credentials, type ServiceError } from '@grpc/grpc-js';
import { api } from '@esi/contracts';

export type ResourceClient = InstanceType<typeof api.ResourceServiceClient>;

export function resourceClient(addr: string): ResourceClient {
  return new api.ResourceServiceClient(addr, credentials.createInsecure());
}

type Method<Req, Res> = (req: Req, cb: (err: ServiceError | null, res: Res) => void) => unknown;

export function call<Req, Res>(client: ResourceClient, method: Method<Req, Res>, req: Req): Promise<Res> {
  return new Promise((resolve, reject) => method.call(client, req, (err, res) => (err ? reject(err) : resolve(res))));
}

export const createResource = (c: ResourceClient, resourceType: string, body: unknown): Promise<api.CreateResourceResponse> =>
  call(c, c.createResource, { resourceType, bodyJson: JSON.stringify(body) });

export const getResource = (c: ResourceClient, resourceType: string, id: string): Promise<api.GetResourceResponse> =>
  call(c, c.getResource, { resourceType, id });

export const updateResource = (
  c: ResourceClient,
  resourceType: string,
  id: string,
  body: unknown,
  expectedVersion = 0,
): Promise<api.UpdateResourceResponse> => call(c, c.updateResource, { resourceType, id, bodyJson: JSON.stringify(body), expectedVersion });
