/**
 * ListResources: one page of a type's resources in key order, filtered by tenant. The
 * page token is the last id returned, opaque to clients (base64url); the next page
 * starts right after it, so pages stay stable while resources are added or removed.
 * The scan stays inside the call's read budget: when the resources of other tenants use
 * it up before the page is full, the page ends early with a token to go on from the
 * last key read (a page may hold fewer than page_size; only an empty token means done).
 */
import { SLICES, configCollectionPrefix, type ConfigValue } from '@esi/contracts';
import type { OwnedStore } from '@esi/store';
import type { CallContext } from './call-context.js';
import { maySee, ownerOf } from './caller.js';
import { PermissionDeniedError, ReadBudgetExceededError, ValidationError } from './errors.js';
import { overBudget } from './read-budget.js';
import { parseObject, viewOf, type ResourceView } from './resource-reads.js';
import type { TypeRules } from './type-rules.js';
import { checkId } from './validate-body.js';

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;
const CHUNK = 256;

export interface ListQuery {
  tenantId: string;
  pageSize: number;
  pageToken: string;
}

export async function listPage(store: OwnedStore, ctx: CallContext, rules: TypeRules, q: ListQuery): Promise<{ resources: ResourceView[]; nextPageToken: string }> {
  if (!Number.isInteger(q.pageSize) || q.pageSize < 0) throw new ValidationError('page_size', 'must be a non-negative integer');
  const size = Math.min(q.pageSize || DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  if (q.tenantId) checkId(q.tenantId, 'tenant_id');
  const caller = ctx.caller;
  if (caller.kind === 'tenant' && q.tenantId && q.tenantId !== caller.tenant) throw new PermissionDeniedError(`tenant ${caller.tenant} may not list another tenant's resources`);
  const tenant = caller.kind === 'tenant' ? caller.tenant : q.tenantId;

  const prefix = configCollectionPrefix(rules.plural);
  // The end of a prefix range: the prefix with its last byte ("/") incremented.
  const end = `${prefix.slice(0, -1)}0`;
  let start = q.pageToken ? `${prefix}${decodeToken(q.pageToken)}\u0000` : prefix;
  const picked: { id: string; value: ConfigValue }[] = [];
  let next = '';
  let lastScanned = '';
  for (;;) {
    ctx.checkpoint();
    // What is left after keeping two reads (state, monitoring) for each resource of a full page.
    const room = ctx.reads.remaining() - 2 * size;
    if (room < 1) {
      if (lastScanned && TOKEN_ID.test(lastScanned)) {
        next = encodeToken(lastScanned);
        break;
      }
      throw new ReadBudgetExceededError(overBudget(ctx.reads.limit, 'ask for a smaller page_size or raise ESI_API_MAX_READS_PER_CALL'));
    }
    const res = await rangeRead(store, start, end, Math.min(CHUNK, room));
    ctx.reads.charge(Math.max(1, res.kvs.length));
    for (const [i, kv] of res.kvs.entries()) {
      const id = kv.key.toString().slice(prefix.length);
      lastScanned = id;
      if (id.includes('/')) continue;
      const value = parseEnvelope(kv.value.toString());
      if (!value) continue;
      const owner = ownerOf(rules.type, id, parseObject(value.body));
      if ((tenant && owner !== tenant) || !maySee(caller, owner)) continue;
      picked.push({ id, value });
      if (picked.length === size) {
        if (i < res.kvs.length - 1 || res.more) next = encodeToken(id);
        break;
      }
    }
    if (picked.length === size || !res.more) break;
    start = `${res.kvs[res.kvs.length - 1]!.key.toString()}\u0000`;
  }
  // Not yet masked for a tenant: the caller shows each as a Get does (Resources.shown).
  const resources = await Promise.all(picked.map((p) => viewOf(store, rules.type, rules.plural, p.id, p.value)));
  return { resources, nextPageToken: next };
}

async function rangeRead(store: OwnedStore, start: string, end: string, limit: number) {
  return store.range({ start, end }, { sortByKey: true, limit });
}

const parseEnvelope = (raw: string): ConfigValue | undefined => SLICES.config.parse(raw);

function encodeToken(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url');
}

/** The ids a page token may carry. */
const TOKEN_ID = /^[A-Za-z0-9_-]{1,128}$/;

function decodeToken(token: string): string {
  const id = /^[A-Za-z0-9_-]{1,200}$/.test(token) ? Buffer.from(token, 'base64url').toString('utf8') : '';
  if (!TOKEN_ID.test(id)) throw new ValidationError('page_token', 'is not a token this api issued');
  return id;
}
