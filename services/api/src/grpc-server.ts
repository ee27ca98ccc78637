/**
 * The gRPC edge: each call gets a SERVER span (continuing a client's traceparent when it
 * sends one), runs the domain operation, and maps errors through grpc-status.ts.
 */
import { Server, ServerCredentials, type Metadata, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { SpanKind, SpanStatusCode, context, propagation, trace, type Tracer } from '@opentelemetry/api';
import { api } from '@esi/contracts';
import type { Logger } from '@esi/telemetry';
import { toServiceError } from './grpc-status.js';
import type { ResourceView, Resources } from './resources.js';

type Unary<Req, Res> = (call: ServerUnaryCall<Req, Res>, cb: sendUnaryData<Res>) => void;

function metadataCarrier(md: Metadata): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(md.getMap())) out[k] = String(v);
  return out;
}

export function unary<Req, Res>(name: string, tracer: Tracer, log: Logger, fn: (req: Req) => Promise<Res>): Unary<Req, Res> {
  return (call, cb) => {
    const parent = propagation.extract(context.active(), metadataCarrier(call.metadata));
    const span = tracer.startSpan(
      `esi.api.v1.ResourceService/${name}`,
      { kind: SpanKind.SERVER, attributes: { 'rpc.system': 'grpc', 'rpc.service': 'esi.api.v1.ResourceService', 'rpc.method': name } },
      parent,
    );
    void context.with(trace.setSpan(parent, span), async () => {
      try {
        const res = await fn(call.request);
        const resource = (res as { resource?: { resourceType: string; id: string } }).resource;
        if (resource) span.setAttributes({ 'esi.resource.type': resource.resourceType, 'esi.resource.id': resource.id });
        span.end();
        cb(null, res);
      } catch (err) {
        const se = toServiceError(err);
        span.setStatus({ code: SpanStatusCode.ERROR, message: se.details });
        span.setAttribute('rpc.grpc.status_code', se.code ?? 2);
        span.end();
        if ((se.code ?? 13) === 13) log.error({ err, method: name }, 'request failed');
        else log.info({ method: name, code: se.code, details: se.details }, 'request rejected');
        cb(se as never, null);
      }
    });
  };
}

const toProto = (v: ResourceView): api.Resource => v;

export function resourceServiceImpl(resources: Resources, tracer: Tracer, log: Logger): api.ResourceServiceServer {
  return {
    createResource: unary('CreateResource', tracer, log, async (req: api.CreateResourceRequest) => ({
      resource: toProto(await resources.create(req.resourceType, req.bodyJson)),
    })),
    updateResource: unary('UpdateResource', tracer, log, async (req: api.UpdateResourceRequest) => ({
      resource: toProto(await resources.update(req.resourceType, req.id, req.bodyJson, req.expectedVersion)),
    })),
    getResource: unary('GetResource', tracer, log, async (req: api.GetResourceRequest) => ({
      resource: toProto(await resources.get(req.resourceType, req.id)),
    })),
    listResources: unary('ListResources', tracer, log, async (req: api.ListResourcesRequest) => ({
      resources: (await resources.list(req.resourceType)).map(toProto),
    })),
    deleteResource: unary('DeleteResource', tracer, log, async (req: api.DeleteResourceRequest) => ({
      resource: toProto(await resources.markForDeletion(req.resourceType, req.id)),
    })),
  };
}

export async function startGrpcServer(addr: string, impl: api.ResourceServiceServer): Promise<{ server: Server; port: number }> {
  // Bodies beyond 4 MiB are rejected by grpc-js itself with RESOURCE_EXHAUSTED.
  const server = new Server({ 'grpc.max_receive_message_length': 4 * 1024 * 1024 });
  server.addService(api.ResourceServiceService, impl);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(addr, ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return { server, port };
}
