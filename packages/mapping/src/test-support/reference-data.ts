/**
 * Test-only access to the recorded G1 reference data in ../shared/reference (beside the
 * checkout; never copied into the project). Override the location with ESI_REFERENCE_DIR.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Relations, ResourceLookup } from '../types.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
export const referenceDir = process.env.ESI_REFERENCE_DIR ?? join(repoRoot, '..', 'shared', 'reference');

const readJson = (...parts: string[]): unknown => JSON.parse(readFileSync(join(referenceDir, ...parts), 'utf8'));

export interface Template {
  id: string;
  handler: string;
  parameter_mappings: Record<string, unknown>;
}

/** The G1 catalog; each file is the stored etcd value whose `body` is the template as a JSON string. */
export function loadTemplates(): Map<string, Template> {
  const dir = join(referenceDir, 'templates', 'g1');
  const templates = new Map<string, Template>();
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.json'))) {
    const stored = readJson('templates', 'g1', file) as { body: string };
    const template = JSON.parse(stored.body) as Template;
    templates.set(template.id, template);
  }
  return templates;
}

export const loadRelations = (): Relations => readJson('relations.json') as Relations;

interface Schema {
  id: string;
  plural: string;
  metadata?: { template_path?: unknown };
}

export interface Schemas {
  singularOf: Map<string, string>;
  templatePathOf: Map<string, unknown>;
}

export function loadSchemas(): Schemas {
  const { schemas } = readJson('schemas.json') as { schemas: Schema[] };
  const singularOf = new Map<string, string>();
  const templatePathOf = new Map<string, unknown>();
  for (const schema of schemas) {
    if (!singularOf.has(schema.plural)) singularOf.set(schema.plural, schema.id);
    if (schema.metadata?.template_path !== undefined) templatePathOf.set(schema.id, schema.metadata.template_path);
  }
  return { singularOf, templatePathOf };
}

export interface EtcdEvent {
  seq: number;
  action: string;
  key: string;
  value: unknown;
}

export interface JobParam {
  param: string;
  type: string;
  value: unknown;
  resources: { resource_type: string; resource_id: string }[];
}

export interface RecordedJob {
  id: string;
  action: string;
  handler: string;
  resource_type: string;
  resource_id: string;
  version: number;
  resource_input: Record<string, unknown>;
  params: JobParam[];
}

export interface ScenarioFile {
  name: string;
  resources: { resource: string; id: string; templates_used: string[] }[];
  templates: string[];
  config: EtcdEvent[];
  expected_jobs: EtcdEvent[];
  preconditions: { config: EtcdEvent[] };
}

/** The g1-inet request files in order; the `--only-` files are subsets of request 17. */
export function loadScenarioFiles(): ScenarioFile[] {
  const dir = join(referenceDir, 'scenarios', 'g1-inet');
  return readdirSync(dir)
    .filter((name) => name.startsWith('g1-inet__') && name.endsWith('.json') && !name.includes('--only-'))
    .sort()
    .map((name) => ({ ...(readJson('scenarios', 'g1-inet', name) as ScenarioFile), name }));
}

export interface ConfigWrite {
  seq: number;
  resourceType: string;
  id: string;
  version: number;
  body: Record<string, unknown>;
}

/** Every resource `/config` write seen in the files (preconditions and the requests' own), by seq. */
export function configTimeline(files: readonly ScenarioFile[], schemas: Schemas): ConfigWrite[] {
  const bySeq = new Map<number, ConfigWrite>();
  for (const file of files) {
    for (const event of [...file.preconditions.config, ...file.config]) {
      const match = /^\/config\/v2\.0\/([^/]+)\/([^/]+)$/.exec(event.key);
      const resourceType = match?.[1] === undefined ? undefined : schemas.singularOf.get(match[1]);
      const stored = event.value as { body?: unknown; version?: number } | null;
      if (!match?.[2] || resourceType === undefined || typeof stored?.body !== 'string') continue;
      bySeq.set(event.seq, {
        seq: event.seq,
        resourceType,
        id: match[2],
        version: stored.version ?? 0,
        body: JSON.parse(stored.body) as Record<string, unknown>,
      });
    }
  }
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/** What the planner could read just before `seq`: the latest write of each resource. */
export function lookupBefore(timeline: readonly ConfigWrite[], seq: number): ResourceLookup {
  const latest = new Map<string, Record<string, unknown>>();
  for (const write of timeline) {
    if (write.seq >= seq) break;
    latest.set(`${write.resourceType}/${write.id}`, write.body);
  }
  return { getBody: async (resourceType, id) => latest.get(`${resourceType}/${id}`) };
}

/** Recorded jobs (`/jobs/all` sets, value `[handler, job, 0]`) with the seq they were written at. */
export function recordedJobs(file: ScenarioFile): { seq: number; job: RecordedJob }[] {
  return file.expected_jobs
    .filter((event) => event.action === 'set' && Array.isArray(event.value))
    .map((event) => ({ seq: event.seq, job: (event.value as [string, RecordedJob, number])[1] }));
}
