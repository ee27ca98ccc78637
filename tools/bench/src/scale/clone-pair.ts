/**
 * Seeds resources directly into etcd, the way a deployment that has run for a while
 * holds them: every key a settled build (a port and its logical port) left anywhere in
 * etcd — /config, /state, stack records and engine stacks, monitoring targets and
 * status, planner workflow records — copied with fresh ids. Uuids that also occur in the
 * context resources' keys (network, subnet, switch and port, their stacks) are kept, so
 * copies point at the same context as the original; every other uuid (the resources'
 * own ids, stack ids) is new in each copy.
 */
import { randomUUID } from 'node:crypto';
import type { Etcd3 } from 'etcd3';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

export interface PairTemplate {
  entries: { key: string; value: string }[];
  /** Uuids renewed in every copy. */
  renewed: string[];
}

/**
 * Every key under a prefix, keys only, a page at a time: one read of 100,000 keys would
 * pass the client's 4 MiB response limit.
 */
export async function keysUnder(etcd: Etcd3, prefix: string, pageSize = 5_000): Promise<string[]> {
  const end = `${prefix.slice(0, -1)}${String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1)}`;
  const out: string[] = [];
  let start = prefix;
  for (;;) {
    // etcd returns keys in order; a sort option would make it read the rest of the range per page.
    const page = await etcd.getAll().inRange({ start, end }).limit(pageSize).keys();
    out.push(...page);
    if (page.length < pageSize) return out;
    start = `${page[page.length - 1]!}\u0000`;
  }
}

export async function capturePair(etcd: Etcd3, pairIds: string[], contextIds: string[]): Promise<PairTemplate> {
  const keys = await keysUnder(etcd, '/');
  const valuesOf = async (ids: string[]): Promise<{ key: string; value: string }[]> => {
    const hit = keys.filter((k) => ids.some((id) => k.includes(id)));
    return Promise.all(hit.map(async (key) => ({ key, value: (await etcd.get(key).string()) ?? '' })));
  };
  const entries = await valuesOf(pairIds);
  const kept = new Set<string>();
  for (const e of await valuesOf(contextIds)) for (const u of `${e.key} ${e.value}`.match(UUID) ?? []) kept.add(u);
  const renewed = new Set<string>();
  for (const e of entries) for (const u of `${e.key} ${e.value}`.match(UUID) ?? []) if (!kept.has(u)) renewed.add(u);
  return { entries, renewed: [...renewed] };
}

export function copyOf(t: PairTemplate): { key: string; value: string }[] {
  const fresh = new Map(t.renewed.map((u) => [u, randomUUID()]));
  const swap = (s: string): string => s.replace(UUID, (u) => fresh.get(u) ?? u);
  return t.entries.map((e) => ({ key: swap(e.key), value: swap(e.value) }));
}

/**
 * Writes `copies` copies of the pair, in transactions of at most 120 puts, 8 at a time.
 * Keys `now` rejects are not written but returned, to be written later (writeEntries).
 */
export async function seedCopies(etcd: Etcd3, t: PairTemplate, copies: number, now: (key: string) => boolean = () => true): Promise<{ key: string; value: string }[]> {
  const later: { key: string; value: string }[] = [];
  const perTxn = Math.max(1, Math.floor(120 / Math.max(1, t.entries.length)));
  let done = 0;
  const batches = async function* (): AsyncGenerator<{ key: string; value: string }[]> {
    while (done < copies) {
      const n = Math.min(perTxn, copies - done);
      done += n;
      const all = Array.from({ length: n }, () => copyOf(t)).flat();
      later.push(...all.filter((e) => !now(e.key)));
      yield all.filter((e) => now(e.key));
    }
  };
  await writeBatches(etcd, batches());
  return later;
}

/** Writes entries in transactions of at most 120 puts, 8 at a time. */
export async function writeEntries(etcd: Etcd3, entries: { key: string; value: string }[]): Promise<void> {
  let at = 0;
  const batches = async function* (): AsyncGenerator<{ key: string; value: string }[]> {
    while (at < entries.length) yield entries.slice(at, (at += 120));
  };
  await writeBatches(etcd, batches());
}

async function writeBatches(etcd: Etcd3, batches: AsyncGenerator<{ key: string; value: string }[]>): Promise<void> {
  const worker = async (): Promise<void> => {
    for await (const puts of batches) {
      if (puts.length === 0) continue;
      await etcd
        .if(puts[0]!.key, 'Version', '>', -1)
        .then(...puts.map((p) => etcd.put(p.key).value(p.value)))
        .commit();
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}
