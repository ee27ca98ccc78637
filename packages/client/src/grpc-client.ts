/**
 * A small promise-based client for the ResourceService: optional TLS and bearer token,
 * per-call deadlines, and a helper per call. The CLI and the tests use it.
 */
import { Metadata, credentials, type CallOptions, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import { api } from '@esi/contracts';

export type ResourceClient = InstanceType<typeof api.ResourceServiceClient>;

export interface ClientOptions {
  /** Sent as "authorization: Bearer <token>" with every call. */
  token?: string;
  /** Use TLS; `ca` (PEM) verifies the server when it is not signed by a public CA. */
  tls?: boolean | { ca?: Buffer; serverName?: string };
}

const tokens = new WeakMap<object, string>();

export function resourceClient(addr: string, opts: ClientOptions = {}): ResourceClient {
  const tls = opts.tls;
  const creds = tls ? credentials.createSsl(typeof tls === 'object' ? (tls.ca ?? null) : null) : credentials.createInsecure();
  const channelOptions = typeof tls === 'object' && tls.serverName ? { 'grpc.ssl_target_name_override': tls.serverName } : {};
  const client = new api.ResourceServiceClient(addr, creds, channelOptions);
  if (opts.token) tokens.set(client, opts.token);
  return client;
}

/** Metadata for a call of this client: its bearer token, if any. */
export function callMetadata(client: ResourceClient): Metadata {
  const md = new Metadata();
  const token = tokens.get(client);
  if (token) md.set('authorization', `Bearer ${token}`);
  return md;
}

type Method<Req, Res> = (req: Req, md: Metadata, options: Partial<CallOptions>, cb: (err: ServiceError | null, res: Res) => void) => unknown;

export interface CallOpts {
  /** Milliseconds from now. */
  timeoutMs?: number;
}

export function call<Req, Res>(client: ResourceClient, method: Method<Req, Res>, req: Req, opts: CallOpts = {}): Promise<Res> {
  const options: Partial<CallOptions> = opts.timeoutMs ? { deadline: Date.now() + opts.timeoutMs } : {};
  return new Promise((resolve, reject) =>
    method.call(client, req, callMetadata(client), options, (err, res) => (err ? reject(err) : resolve(res))),
  );
}

export const createResource = (c: ResourceClient, resourceType: string, body: unknown, opts?: CallOpts): Promise<api.CreateResourceResponse> =>
  call(c, c.createResource, { resourceType, bodyJson: JSON.stringify(body) }, opts);

export const getResource = (c: ResourceClient, resourceType: string, id: string, opts?: CallOpts): Promise<api.GetResourceResponse> =>
  call(c, c.getResource, { resourceType, id }, opts);

export const updateResource = (
  c: ResourceClient,
  resourceType: string,
  id: string,
  body: unknown,
  expectedVersion = 0,
  opts?: CallOpts,
): Promise<api.UpdateResourceResponse> => call(c, c.updateResource, { resourceType, id, bodyJson: JSON.stringify(body), expectedVersion }, opts);

export const deleteResource = (c: ResourceClient, resourceType: string, id: string, opts?: CallOpts): Promise<api.DeleteResourceResponse> =>
  call(c, c.deleteResource, { resourceType, id }, opts);

export const putRelations = (c: ResourceClient, relations: unknown, opts?: CallOpts): Promise<api.PutRelationsResponse> =>
  call(c, c.putRelations, { relationsJson: JSON.stringify(relations) }, opts);

export const retryResource = (c: ResourceClient, resourceType: string, id: string, opts?: CallOpts): Promise<api.RetryResourceResponse> =>
  call(c, c.retryResource, { resourceType, id }, opts);

export const listResources = (
  c: ResourceClient,
  resourceType: string,
  page: { tenantId?: string; pageSize?: number; pageToken?: string } = {},
  opts?: CallOpts,
): Promise<api.ListResourcesResponse> =>
  call(c, c.listResources, { resourceType, tenantId: page.tenantId ?? '', pageSize: page.pageSize ?? 0, pageToken: page.pageToken ?? '' }, opts);

/** Every page of a list, concatenated. */
export async function listAll(c: ResourceClient, resourceType: string, tenantId = ''): Promise<api.Resource[]> {
  const out: api.Resource[] = [];
  let pageToken = '';
  do {
    const page = await listResources(c, resourceType, { tenantId, pageToken, pageSize: 500 });
    out.push(...page.resources);
    pageToken = page.nextPageToken;
  } while (pageToken);
  return out;
}

export const planChange = (c: ResourceClient, req: api.PlanRequest, opts?: CallOpts): Promise<api.PlanResponse> => call(c, c.plan, req, opts);

export const explainResource = (c: ResourceClient, resourceType: string, id: string, opts?: CallOpts): Promise<api.ExplainResponse> =>
  call(c, c.explain, { resourceType, id }, opts);

export const resourceHistory = (c: ResourceClient, resourceType: string, id: string, limit = 0, opts?: CallOpts): Promise<api.HistoryResponse> =>
  call(c, c.history, { resourceType, id, limit }, opts);

export const putTemplate = (c: ResourceClient, body: unknown, sampleInput?: unknown, expectedVersion = 0): Promise<api.PutTemplateResponse> =>
  call(c, c.putTemplate, { bodyJson: JSON.stringify(body), sampleInputJson: sampleInput === undefined ? '' : JSON.stringify(sampleInput), expectedVersion });

export const getTemplate = (c: ResourceClient, id: string): Promise<api.GetTemplateResponse> => call(c, c.getTemplate, { id });

export const listTemplates = (c: ResourceClient, handler = ''): Promise<api.ListTemplatesResponse> => call(c, c.listTemplates, { handler });

export interface WatchHandle {
  /** Resolves when the server ends the stream, rejects with its status otherwise (not on cancel). */
  done: Promise<void>;
  /** Resolves once the watch is live: no change made after it is missed. */
  ready: Promise<void>;
  cancel(): void;
}

/** Opens WatchResources and hands every event to `onEvent`. */
export function watchResources(
  c: ResourceClient,
  req: Partial<api.WatchResourcesRequest> & { resourceType: string },
  onEvent: (e: api.WatchResourcesResponse) => void,
  opts: CallOpts = {},
): WatchHandle {
  const full: api.WatchResourcesRequest = { id: '', fromRevision: 0, includeCurrent: false, ...req };
  const options: Partial<CallOptions> = opts.timeoutMs ? { deadline: Date.now() + opts.timeoutMs } : {};
  const stream: ClientReadableStream<api.WatchResourcesResponse> = c.watchResources(full, callMetadata(c), options);
  let cancelled = false;
  // The api sends its response headers once the watch is live (services/api watch.ts).
  const ready = new Promise<void>((resolve, reject) => {
    stream.once('metadata', () => resolve());
    stream.once('error', reject);
  });
  ready.catch(() => undefined);
  const done = new Promise<void>((resolve, reject) => {
    stream.on('data', onEvent);
    stream.on('end', () => resolve());
    stream.on('error', (err: ServiceError) => (cancelled && err.code === 1 ? resolve() : reject(err)));
  });
  return {
    done,
    ready,
    cancel() {
      cancelled = true;
      stream.cancel();
    },
  };
}
