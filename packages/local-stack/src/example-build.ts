/**
 * Submits an example build (packages/catalog/examples) through the gRPC API in order,
 * replacing "$ref:<name>" with the id generated for an earlier request.
 */
import { randomUUID } from 'node:crypto';
import { createResource, type ResourceClient } from './grpc-client.js';

export interface BuildRequest {
  ref: string;
  type: string;
  body: Record<string, unknown>;
}

export interface SubmittedResource {
  ref: string;
  type: string;
  id: string;
  body: Record<string, unknown>;
  submittedAtMs: number;
}

export function resolveRefs(build: BuildRequest[], idFor: (ref: string) => string = () => randomUUID()): BuildRequest[] {
  const ids = new Map<string, string>();
  const bodies = new Map<string, Record<string, unknown>>();
  const sub = (v: unknown): unknown => {
    if (typeof v === 'string') {
      return v.replace(/\$ref:([A-Za-z0-9_-]+)(?:\.([A-Za-z0-9_]+))?/g, (_m, ref: string, field?: string) => {
        if (!ids.has(ref)) throw new Error(`$ref:${ref} is used before it is defined`);
        return field ? String(bodies.get(ref)?.[field] ?? '') : ids.get(ref)!;
      });
    }
    if (Array.isArray(v)) return v.map(sub);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, sub(x)]));
    return v;
  };
  return build.map((r) => {
    const id = typeof r.body.id === 'string' ? r.body.id : idFor(r.ref);
    ids.set(r.ref, id);
    const body = { ...(sub(r.body) as Record<string, unknown>), id };
    bodies.set(r.ref, body);
    return { ...r, body };
  });
}

export async function submitBuild(
  client: ResourceClient,
  build: BuildRequest[],
  onSubmitted?: (r: SubmittedResource) => void,
): Promise<SubmittedResource[]> {
  const out: SubmittedResource[] = [];
  for (const r of resolveRefs(build)) {
    const res = await createResource(client, r.type, r.body);
    const submitted = { ref: r.ref, type: r.type, id: res.resource!.id, body: r.body, submittedAtMs: Date.now() };
    out.push(submitted);
    onSubmitted?.(submitted);
  }
  return out;
}
