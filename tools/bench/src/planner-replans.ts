/**
 * How often each planner planned a change again or put it off, by reason, from its own
 * counter (esi_planner_replans_total): work done twice, and with two planners by
 * partition, how often they met (one waiting for the other's plan, or refused by it).
 */
import { deltasPerItem } from './service-etcd-requests.js';

/** "service reason" → replans so far. */
export type ReplanCounts = Map<string, number>;

const SERIES = /^esi_planner_replans_total\{([^}]*)\} (\S+)$/gm;

export function parseReplans(service: string, text: string, into: ReplanCounts = new Map()): ReplanCounts {
  for (const m of text.matchAll(SERIES)) {
    const reason = /reason="([^"]*)"/.exec(m[1]!)?.[1];
    if (reason) into.set(`${service} ${reason}`, Number(m[2]));
  }
  return into;
}

/** Per service, reason → replans per item between two readings (only those that happened). */
export function replansPerItem(before: ReplanCounts, after: ReplanCounts, items: number): Record<string, Record<string, number>> {
  return deltasPerItem(before, after, items, ([reason]) => reason!);
}
