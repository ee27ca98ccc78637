/**
 * One page of the resource list, searched on the server: without a query it is the
 * api's own ListResources page; with one, the edge reads ListResources pages in key
 * order and keeps the resources whose id, name or worker state contain the query, until
 * a page is full or SCAN_LIMIT resources were read. The answer then says how far it
 * got and carries the api's token to go on from there, so a search among 100,000
 * resources costs the same bounded work per request as browsing does. A query that is a
 * whole id is also read with GetResource, so a pasted id is found wherever it lies.
 */
import { status } from '@grpc/grpc-js';
import type { api } from '@esi/contracts';
import type { CallerApi } from './api-calls.js';
import { isServiceError } from './grpc-errors.js';

/** The api reads each listed resource's state and monitoring too, so a scan is kept short. */
export const SCAN_LIMIT = 1_000;
const SCAN_PAGE = 500;
/** What an id may be (the api's rule); such a query is also looked up directly. */
const ID = /^[A-Za-z0-9_-]{1,128}$/;

export interface PageRequest {
  resourceType: string;
  tenantId: string;
  pageSize: number;
  pageToken: string;
  query: string;
}

export interface Page {
  resources: api.Resource[];
  nextPageToken: string;
  /** Resources read to fill this page (equal to the page's length without a query). */
  scanned: number;
  /** A search that stopped at SCAN_LIMIT before it filled the page. */
  scanStopped: boolean;
}

export function matches(r: api.Resource, query: string): boolean {
  const q = query.toLowerCase();
  if (r.id.toLowerCase().includes(q)) return true;
  const name = nameOf(r.bodyJson);
  if (name.toLowerCase().includes(q)) return true;
  return workerStateOf(r.stateJson).toLowerCase().includes(q);
}

function nameOf(bodyJson: string): string {
  try {
    const v = (JSON.parse(bodyJson) as { name?: unknown }).name;
    return typeof v === 'string' ? v : '';
  } catch {
    return '';
  }
}

function tenantOf(bodyJson: string): string {
  try {
    const v = (JSON.parse(bodyJson) as { tenant_id?: unknown }).tenant_id;
    return typeof v === 'string' ? v : '';
  } catch {
    return '';
  }
}

function workerStateOf(stateJson: string): string {
  if (!stateJson) return '';
  try {
    return String((JSON.parse(stateJson) as { state?: { worker_state?: unknown } }).state?.worker_state ?? '');
  } catch {
    return '';
  }
}

export async function listPage(calls: CallerApi, req: PageRequest): Promise<Page> {
  const query = req.query.trim();
  if (!query) {
    const page = await calls.list({ resourceType: req.resourceType, tenantId: req.tenantId, pageSize: req.pageSize, pageToken: req.pageToken });
    return { resources: page.resources, nextPageToken: page.nextPageToken, scanned: page.resources.length, scanStopped: false };
  }
  const found: api.Resource[] = [];
  if (!req.pageToken && ID.test(query)) {
    const exact = await calls.get(req.resourceType, query).then(
      (r) => r.resource,
      (err: unknown) => {
        // Not an id after all (or another tenant's, which the api reports the same way).
        if (isServiceError(err) && err.code === status.NOT_FOUND) return undefined;
        throw err;
      },
    );
    // A whole id names one resource: no need to read further.
    if (exact && (!req.tenantId || tenantOf(exact.bodyJson) === req.tenantId)) return { resources: [exact], nextPageToken: '', scanned: 1, scanStopped: false };
  }
  let token = req.pageToken;
  let scanned = 0;
  // Whole api pages are consumed, so the token handed back never skips a match.
  do {
    const page = await calls.list({ resourceType: req.resourceType, tenantId: req.tenantId, pageSize: SCAN_PAGE, pageToken: token });
    scanned += page.resources.length;
    found.push(...page.resources.filter((r) => matches(r, query)));
    token = page.nextPageToken;
  } while (token && found.length < req.pageSize && scanned < SCAN_LIMIT);
  return { resources: found, nextPageToken: token, scanned, scanStopped: Boolean(token) && found.length < req.pageSize };
}
