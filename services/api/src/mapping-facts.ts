/**
 * What the stored templates reach, derived from the templates themselves (not a list kept
 * by hand): the hops out of each resource type, which the tenant check of a create or
 * update follows, and the job params that carry secrets, which answers to tenants mask.
 * Read from etcd (templates and relations as the planner sees them) and kept for a
 * moment, so a template changed at run time is covered within FACTS_TTL_MS on every
 * replica without a read per call.
 */
import { KEY_PREFIX, RELATIONS_KEY } from '@esi/contracts';
import { catalogHops, catalogParamReads, type CatalogMappings, type MappingHop, type Relations } from '@esi/mapping';
import type { OwnedStore } from '@esi/store';
import { isSecretParamName } from './redaction.js';
import { parseObject } from './resource-reads.js';
import type { TypeRegistry } from './type-rules.js';
import { CachedRead } from './cached-read.js';

export const FACTS_TTL_MS = 2_000;

export interface MappingFactsSnapshot {
  /** Hops whose source is a resource of `type`. */
  hopsFrom(type: string): readonly MappingHop[];
  /** Whether a param of a job of `type` (planned from `templateId`, when known) carries a secret. */
  isSecretParam(type: string, templateId: string | undefined, param: string): boolean;
}

export class MappingFacts {
  private readonly cache: CachedRead<MappingFactsSnapshot>;

  constructor(
    private readonly store: OwnedStore,
    private readonly types: TypeRegistry,
    now: () => number = Date.now,
  ) {
    this.cache = new CachedRead(() => this.read(), FACTS_TTL_MS, now);
  }

  current(): Promise<MappingFactsSnapshot> {
    return this.cache.current();
  }

  private async read(): Promise<MappingFactsSnapshot> {
    const [stored, relations] = await Promise.all([this.store.getPrefix(KEY_PREFIX.templates), this.store.getString(RELATIONS_KEY)]);
    const parameterMappings: CatalogMappings['parameterMappings'] = {};
    for (const [key, raw] of stored) {
      const id = key.slice(KEY_PREFIX.templates.length);
      const body = parseObject(String(parseObject(raw).body ?? ''));
      const params = body.parameter_mappings;
      if (id !== '' && !id.includes('/') && params && typeof params === 'object' && !Array.isArray(params)) {
        parameterMappings[id] = params as Record<string, unknown>;
      }
    }
    const templateMappings: CatalogMappings['templateMappings'] = {};
    for (const [type, entry] of Object.entries(this.types.table)) templateMappings[type] = { ...entry.template_mappings };
    const rel = relations ? (parseObject(String(parseObject(relations.value).body ?? '')) as Relations) : {};
    return factsOf({ templateMappings, parameterMappings, relations: rel }, this.types);
  }
}

/** The snapshot of one catalog; pure, so the coverage test runs it on the catalog files. */
export function factsOf(catalog: CatalogMappings, types: TypeRegistry): MappingFactsSnapshot {
  const hops = new Map<string, MappingHop[]>();
  for (const hop of catalogHops(catalog)) {
    const list = hops.get(hop.sourceType) ?? [];
    if (!list.some((h) => h.field === hop.field && h.targetType === hop.targetType && JSON.stringify(h.when) === JSON.stringify(hop.when))) {
      list.push({ sourceType: hop.sourceType, field: hop.field, targetType: hop.targetType, ...(hop.when ? { when: hop.when } : {}) });
    }
    hops.set(hop.sourceType, list);
  }
  const secretByTemplate = new Set<string>();
  const secretByType = new Set<string>();
  for (const p of catalogParamReads(catalog)) {
    if (!p.reads.some((r) => types.schemaOf(r.type)?.fields[r.field]?.secret === true)) continue;
    secretByTemplate.add(`${p.template}\u0000${p.param}`);
    secretByType.add(`${p.type}\u0000${p.param}`);
  }
  return {
    hopsFrom: (type) => hops.get(type) ?? [],
    isSecretParam: (type, templateId, param) =>
      isSecretParamName(param) ||
      (templateId ? secretByTemplate.has(`${templateId}\u0000${param}`) : false) ||
      secretByType.has(`${type}\u0000${param}`),
  };
}
