/**
 * Submits an example build (packages/catalog/examples) through the gRPC API in order;
 * "$ref:…" strings name earlier requests (examples/README.md) and are resolved with the
 * ids the api returned for them.
 */
import { resolveRefs, type BuildRequest, type CreatedResource } from '@esi/catalog';
import { createResource, type ResourceClient } from './grpc-client.js';

export type { BuildRequest };

export interface SubmittedResource {
  ref: string;
  type: string;
  id: string;
  body: Record<string, unknown>;
  submittedAtMs: number;
}

export async function submitBuild(
  client: ResourceClient,
  build: BuildRequest[],
  onSubmitted?: (r: SubmittedResource) => void,
  /** Awaited after each submission, e.g. to wait until it settled as a cautious client would. */
  afterEach?: (r: SubmittedResource) => Promise<void>,
): Promise<SubmittedResource[]> {
  const created = new Map<string, CreatedResource>();
  const out: SubmittedResource[] = [];
  for (const r of build) {
    const body = resolveRefs(r.body, (ref) => created.get(ref)) as Record<string, unknown>;
    const res = await createResource(client, r.type, body);
    const stored = JSON.parse(res.resource!.bodyJson) as Record<string, unknown>;
    created.set(r.ref, { id: res.resource!.id, body: stored });
    const submitted = { ref: r.ref, type: r.type, id: res.resource!.id, body: stored, submittedAtMs: Date.now() };
    out.push(submitted);
    onSubmitted?.(submitted);
    await afterEach?.(submitted);
  }
  return out;
}
