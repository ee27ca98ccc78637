/**
 * Counts the etcd requests each service made, from its own Prometheus counter
 * (esi_etcd_requests_total, by operation and key family), so a level can say what one
 * resource costs each service and where: the figure etcd's own counters cannot split.
 */
export type RequestCounts = Map<string, number>;

/** Adds one service's "service op family" → requests so far, from its /metrics text. */
export function parseServiceRequests(service: string, text: string, into: RequestCounts = new Map()): RequestCounts {
  for (const m of text.matchAll(/^esi_etcd_requests_total\{([^}]*)\} (\S+)$/gm)) {
    const op = /op="([^"]*)"/.exec(m[1]!)?.[1];
    const family = /family="([^"]*)"/.exec(m[1]!)?.[1];
    if (op && family) into.set(`${service} ${op} ${family}`, Number(m[2]));
  }
  return into;
}

/** Hands each service's /metrics text to `take`; a service restarting right now is left out of this reading. */
export async function readEachService(metricsUrls: Map<string, string>, take: (service: string, text: string) => void): Promise<void> {
  await Promise.all(
    [...metricsUrls].map(async ([service, url]) => {
      try {
        take(service, await (await fetch(url)).text());
      } catch {
        // Left out: the next reading has it again.
      }
    }),
  );
}

/**
 * Between two readings of counters keyed "service part…": per service, the increase per
 * item of each `inner(parts)` (increases only; parts mapping to one inner key add up).
 */
export function deltasPerItem(before: Map<string, number>, after: Map<string, number>, items: number, inner: (parts: string[]) => string): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const [key, n] of after) {
    const [service, ...parts] = key.split(' ') as [string, ...string[]];
    const delta = n - (before.get(key) ?? 0);
    if (delta <= 0) continue;
    const k = inner(parts);
    out[service] ??= {};
    out[service][k] = (out[service][k] ?? 0) + delta / Math.max(1, items);
  }
  return out;
}

/** Per service and operation: requests per item between two readings. */
export function requestsPerItem(before: RequestCounts, after: RequestCounts, items: number): Record<string, Record<string, number>> {
  return deltasPerItem(before, after, items, ([op]) => op!);
}

/** Per service, "op family" → requests per item between two readings (where a service's requests go). */
export function requestsByFamilyPerItem(before: RequestCounts, after: RequestCounts, items: number): Record<string, Record<string, number>> {
  return deltasPerItem(before, after, items, ([op, family]) => `${op} ${family}`);
}
