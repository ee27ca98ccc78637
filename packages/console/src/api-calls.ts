/**
 * The api's calls made on behalf of one HTTP request: the caller's own
 * `authorization` header is passed on unchanged, so the api decides who it is and what
 * it may see exactly as it does for gRPC clients. The edge holds no token of its own.
 */
import { Metadata, type CallOptions, type ServiceError } from '@grpc/grpc-js';
import type { api } from '@esi/contracts';

export type ResourceClient = InstanceType<typeof api.ResourceServiceClient>;

/** A unary call's deadline when the browser gives none (the api caps it too). */
const CALL_MS = 30_000;

export function metadataFor(authorization: string | undefined): Metadata {
  const md = new Metadata();
  if (authorization) md.set('authorization', authorization);
  return md;
}

type Unary<Req, Res> = (req: Req, md: Metadata, options: Partial<CallOptions>, cb: (err: ServiceError | null, res: Res) => void) => unknown;

export class CallerApi {
  constructor(
    private readonly client: ResourceClient,
    private readonly authorization: string | undefined,
  ) {}

  private call<Req, Res>(method: Unary<Req, Res>, req: Req): Promise<Res> {
    return new Promise((resolve, reject) =>
      method.call(this.client, req, metadataFor(this.authorization), { deadline: Date.now() + CALL_MS }, (err, res) => (err ? reject(err) : resolve(res))),
    );
  }

  list(req: api.ListResourcesRequest): Promise<api.ListResourcesResponse> {
    return this.call(this.client.listResources, req);
  }
  get(resourceType: string, id: string): Promise<api.GetResourceResponse> {
    return this.call(this.client.getResource, { resourceType, id });
  }
  update(req: api.UpdateResourceRequest): Promise<api.UpdateResourceResponse> {
    return this.call(this.client.updateResource, req);
  }
  retry(resourceType: string, id: string): Promise<api.RetryResourceResponse> {
    return this.call(this.client.retryResource, { resourceType, id });
  }
  explain(resourceType: string, id: string): Promise<api.ExplainResponse> {
    return this.call(this.client.explain, { resourceType, id });
  }
  history(resourceType: string, id: string, limit: number): Promise<api.HistoryResponse> {
    return this.call(this.client.history, { resourceType, id, limit });
  }
  plan(req: api.PlanRequest): Promise<api.PlanResponse> {
    return this.call(this.client.plan, req);
  }

  watch(req: api.WatchResourcesRequest) {
    return this.client.watchResources(req, metadataFor(this.authorization));
  }
}
