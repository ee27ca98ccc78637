/**
 * The HTTP/JSON routes, one per api call the page needs. Each builds the gRPC request
 * from the URL and body and answers the api's response as JSON; nothing here decides
 * who may see what (the api does, from the forwarded token).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { loadResourceTypes } from '@esi/catalog';
import type { api } from '@esi/contracts';
import type { CallerApi } from './api-calls.js';
import { listPage } from './search-page.js';
import { streamWatch } from './sse-watch.js';
import type { TraceSource } from './trace-source.js';

export class BadRequest extends Error {}

export interface RouteContext {
  calls: CallerApi;
  url: URL;
  req: IncomingMessage;
  res: ServerResponse;
  traces: TraceSource;
  body: () => Promise<unknown>;
}

/** A route answers a JSON value, or undefined when it wrote the response itself (SSE). */
type Handler = (ctx: RouteContext, params: string[]) => Promise<unknown>;

const ID = '([A-Za-z0-9_-]{1,128})';

const intParam = (url: URL, name: string, fallback: number): number => {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new BadRequest(`${name} must be a whole number`);
  return n;
};

const objectBody = async (ctx: RouteContext): Promise<Record<string, unknown>> => {
  const b = await ctx.body();
  if (typeof b !== 'object' || b === null || Array.isArray(b)) throw new BadRequest('the request body must be a JSON object');
  return b as Record<string, unknown>;
};

const ROUTES: { method: string; pattern: RegExp; handle: Handler }[] = [
  {
    method: 'GET',
    pattern: /^\/api\/types$/,
    // The catalog's resource types, for the type picker: the same for every caller.
    handle: async () => ({ types: Object.keys(loadResourceTypes()).sort() }),
  },
  {
    method: 'GET',
    pattern: /^\/api\/config$/,
    handle: async ({ traces }) => ({ jaegerUrl: traces.jaegerUrl }),
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/api/resources/${ID}$`),
    handle: ({ calls, url }, [type]) =>
      listPage(calls, {
        resourceType: type!,
        tenantId: url.searchParams.get('tenant') ?? '',
        pageSize: Math.min(intParam(url, 'pageSize', 50), 1000),
        pageToken: url.searchParams.get('pageToken') ?? '',
        query: url.searchParams.get('q') ?? '',
      }),
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/api/resources/${ID}/${ID}$`),
    handle: ({ calls }, [type, id]) => calls.get(type!, id!),
  },
  {
    method: 'PUT',
    pattern: new RegExp(`^/api/resources/${ID}/${ID}$`),
    handle: async (ctx, [type, id]) => {
      const b = await objectBody(ctx);
      return ctx.calls.update({ resourceType: type!, id: id!, bodyJson: JSON.stringify(b.body ?? {}), expectedVersion: Number(b.expectedVersion ?? 0) });
    },
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/api/resources/${ID}/${ID}/retry$`),
    handle: ({ calls }, [type, id]) => calls.retry(type!, id!),
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/api/resources/${ID}/${ID}/explain$`),
    handle: ({ calls }, [type, id]) => calls.explain(type!, id!),
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/api/resources/${ID}/${ID}/history$`),
    handle: ({ calls, url }, [type, id]) => calls.history(type!, id!, intParam(url, 'limit', 0)),
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/api/resources/${ID}/${ID}/trace$`),
    handle: async ({ calls, url, traces }, [type, id]) => {
      // Explain first: the api says whether this caller may see the resource, and which traces are its.
      const explained = await calls.explain(type!, id!);
      return traces.forResource(explained, type!, id!, url.searchParams.get('traceId') || undefined);
    },
  },
  {
    method: 'POST',
    pattern: /^\/api\/plan$/,
    handle: async (ctx) => {
      const b = await objectBody(ctx);
      const change = b.resource as Record<string, unknown> | undefined;
      if (!change || typeof change !== 'object') throw new BadRequest('plan needs {"resource": {...}}');
      const resource: api.ResourceChange = {
        resourceType: String(change.resourceType ?? ''),
        id: String(change.id ?? ''),
        bodyJson: JSON.stringify(change.body ?? {}),
        delete: change.delete === true,
        update: change.update === true,
      };
      return ctx.calls.plan({ resource });
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/api/watch/${ID}(?:/${ID})?$`),
    handle: async ({ calls, url, req, res }, [type, id]) => {
      streamWatch(calls, { resourceType: type!, id: id ?? '', fromRevision: intParam(url, 'from', 0), includeCurrent: url.searchParams.get('current') === '1' }, req, res);
      return undefined;
    },
  },
];

export function findRoute(method: string, path: string): { handle: Handler; params: string[] } | 'wrong method' | undefined {
  let pathMatched = false;
  for (const r of ROUTES) {
    const m = r.pattern.exec(path);
    if (!m) continue;
    pathMatched = true;
    if (r.method === method) return { handle: r.handle, params: m.slice(1).filter((p): p is string => p !== undefined) };
  }
  return pathMatched ? 'wrong method' : undefined;
}
