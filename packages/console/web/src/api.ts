/** Calls to the console edge; an api refusal becomes an ApiError carrying the api's gRPC code. */
import type { Explain, HistoryEvent, ListPage, PlanAnswer, Resource, TraceAnswer } from './api-types';
import { authHeaders } from './token';

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly field: string | null,
  ) {
    super(`${code}: ${message}`);
  }
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    // x-esi-console: the edge takes changes only with it (edge-server.ts, CSRF_HEADER).
    headers: { ...authHeaders(), 'x-esi-console': '1', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json().catch(() => ({}))) as { error?: { code: string; message: string; field: string | null } };
  if (!res.ok) throw new ApiError(json.error?.code ?? `HTTP ${res.status}`, json.error?.message ?? res.statusText, json.error?.field ?? null);
  return json as T;
}

const seg = encodeURIComponent;

export const edge = {
  types: () => request<{ types: string[] }>('GET', '/api/types'),
  list: (type: string, q: { tenant: string; query: string; pageToken: string; pageSize: number }) =>
    request<ListPage>(
      'GET',
      `/api/resources/${seg(type)}?${new URLSearchParams({ tenant: q.tenant, q: q.query, pageToken: q.pageToken, pageSize: String(q.pageSize) }).toString()}`,
    ),
  get: (type: string, id: string) => request<{ resource: Resource }>('GET', `/api/resources/${seg(type)}/${seg(id)}`),
  update: (type: string, id: string, body: unknown, expectedVersion: number) =>
    request<{ resource: Resource }>('PUT', `/api/resources/${seg(type)}/${seg(id)}`, { body, expectedVersion }),
  retry: (type: string, id: string) => request<{ resource: Resource }>('POST', `/api/resources/${seg(type)}/${seg(id)}/retry`),
  explain: (type: string, id: string) => request<Explain>('GET', `/api/resources/${seg(type)}/${seg(id)}/explain`),
  history: (type: string, id: string) => request<{ events: HistoryEvent[] }>('GET', `/api/resources/${seg(type)}/${seg(id)}/history?limit=500`),
  trace: (type: string, id: string, traceId: string) =>
    request<TraceAnswer>('GET', `/api/resources/${seg(type)}/${seg(id)}/trace${traceId ? `?traceId=${seg(traceId)}` : ''}`),
  plan: (type: string, id: string, body: unknown) => request<PlanAnswer>('POST', '/api/plan', { resource: { resourceType: type, id, body, update: true } }),
};
