/**
 * Replays the recorded G1 internet-gateway build (../shared/reference/scenarios/g1-inet):
 * every recorded job's params must be reproduced by planParams from the job's
 * resource_input and the /config data the planner could read at that moment.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { planParams, resolveTemplateId, type MappingContext, type PlannedParam } from './index.js';
import {
  type JobParam,
  type RecordedJob,
  configTimeline,
  loadRelations,
  loadScenarioFiles,
  loadSchemas,
  loadTemplates,
  lookupBefore,
  recordedJobs,
} from './test-support/reference-data.js';

const templates = loadTemplates();
const relations = loadRelations();
const schemas = loadSchemas();
const files = loadScenarioFiles();
const timeline = configTimeline(files, schemas);

/**
 * G1's monitoring template table is not in the schemas (§4.2): `C<type>_monitoring` for
 * every type, with the port's DHCP/empty condition in front.
 */
function monitoringMapping(resourceType: string): unknown {
  if (resourceType !== 'port') return `C${resourceType}_monitoring`;
  return {
    if_mapping: { regexp: [{ field: 'device_owner' }, { constant: 'network:dhcp|network:empty' }] },
    then_mapping: { constant: null },
    else_mapping: { constant: 'port_monitoring' },
  };
}

const templateMappingFor = (handler: string, resourceType: string): unknown =>
  handler === 'heat_worker' ? schemas.templatePathOf.get(resourceType) : monitoringMapping(resourceType);

const refKey = (ref: { resource_type: string; resource_id: string }): string => `${ref.resource_type}/${ref.resource_id}`;
const asMultiset = (refs: JobParam['resources']): string[] => refs.map(refKey).sort();
const asSet = (refs: JobParam['resources']): string[] => [...new Set(refs.map(refKey))].sort();

interface Case {
  file: string;
  seq: number;
  job: RecordedJob;
  templatesUsed: string[];
  /** create v1 compares resources as multisets; later versions carry the duplication quirk (§3.4). */
  resourcesAs: 'multiset' | 'set';
}

const cases: Case[] = files.flatMap((file) =>
  recordedJobs(file).map(({ seq, job }) => {
    const resource = file.resources.find((entry) => entry.id === job.resource_id);
    return {
      file: file.name,
      seq,
      job,
      templatesUsed: resource?.templates_used ?? [],
      resourcesAs: job.action === 'create' && job.version === 1 ? ('multiset' as const) : ('set' as const),
    };
  }),
);

/**
 * The body the params were planned from. A G1 modify workflow opens with a
 * `delete:monitoring_worker` job that removes the monitoring set up by the previous version:
 * it carries the new resource_input but the *previous* version's params (the v2 port delete
 * job records `attached: false` although its resource_input says true). So it is replayed
 * from the previous version's /config body.
 */
function planningInput(c: Case): { body: Record<string, unknown>; version: number } {
  if (c.job.action !== 'delete') return { body: c.job.resource_input, version: c.job.version };
  const previous = timeline
    .filter((w) => w.resourceType === c.job.resource_type && w.id === c.job.resource_id && w.version < c.job.version && w.seq < c.seq)
    .at(-1);
  if (previous === undefined) throw new Error(`no earlier version of ${c.job.resource_type} ${c.job.resource_id}`);
  return { body: previous.body, version: previous.version };
}

function contextFor(c: Case, input: { body: Record<string, unknown>; version: number }): MappingContext {
  return {
    resourceType: c.job.resource_type,
    resourceId: c.job.resource_id,
    body: input.body,
    version: input.version,
    relations,
    lookup: lookupBefore(timeline, c.seq),
  };
}

const tally = { jobs: 0, jobsMatched: 0, params: 0, paramsMatched: 0, createJobs: 0, laterJobs: 0 };

function compareParam(expected: JobParam, actual: PlannedParam | undefined, resourcesAs: Case['resourcesAs']): void {
  expect(actual, `param ${expected.param} planned`).toBeDefined();
  if (actual === undefined) return;
  expect(actual.type, `type of ${expected.param}`).toBe(expected.type);
  expect(actual.value, `value of ${expected.param}`).toEqual(expected.value);
  const normalise = resourcesAs === 'multiset' ? asMultiset : asSet;
  expect(normalise(actual.resources), `resources of ${expected.param}`).toEqual(normalise(expected.resources));
}

describe('replay of the recorded g1-inet build', () => {
  it('finds the recorded jobs', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  it.each(cases.map((c) => [`${c.file.replace(/^g1-inet__/, '').replace(/\.json$/, '')} ${c.job.id}`, c] as const))(
    '%s',
    async (_name, c) => {
      tally.jobs += 1;
      if (c.resourcesAs === 'multiset') tally.createJobs += 1;
      else tally.laterJobs += 1;

      const input = planningInput(c);
      const ctx = contextFor(c, input);
      const candidates = c.templatesUsed.filter((id) => templates.get(id)?.handler === c.job.handler);
      const resolved = await resolveTemplateId(templateMappingFor(c.job.handler, c.job.resource_type), ctx);
      expect(candidates, 'recorded template for this handler').toContain(resolved);
      const template = resolved === null ? undefined : templates.get(resolved);
      if (template === undefined) throw new Error(`no template ${String(resolved)}`);

      const planned = await planParams(template.parameter_mappings, ctx);
      expect(planned.map((p) => p.param).sort()).toEqual(c.job.params.map((p) => p.param).sort());
      expect(planned.map((p) => p.param)).toEqual(Object.keys(template.parameter_mappings));

      const byName = new Map(planned.map((p) => [p.param, p]));
      for (const expected of c.job.params) {
        tally.params += 1;
        compareParam(expected, byName.get(expected.param), c.resourcesAs);
        tally.paramsMatched += 1;
      }
      tally.jobsMatched += 1;
    },
  );

  it('resolves no heat template exactly where the recording has none (DHCP port, monitoring-only types)', async () => {
    let checked = 0;
    for (const file of files) {
      for (const resource of file.resources) {
        const resourceType = schemas.singularOf.get(resource.resource);
        const mapping = resourceType === undefined ? undefined : schemas.templatePathOf.get(resourceType);
        const write = timeline.filter((w) => w.resourceType === resourceType && w.id === resource.id).at(-1);
        if (resourceType === undefined || mapping === undefined || write === undefined) continue;
        const ctx: MappingContext = {
          resourceType,
          resourceId: resource.id,
          body: write.body,
          version: write.version,
          relations,
          lookup: lookupBefore(timeline, write.seq),
        };
        const resolved = await resolveTemplateId(mapping, ctx);
        const usedHeat = resource.templates_used.filter((id) => templates.get(id)?.handler === 'heat_worker');
        // A resolved id absent from the G1 catalog (edge_router, ha_router…) means no heat job either.
        const expected = resolved !== null && templates.has(resolved) ? [resolved] : [];
        expect(usedHeat, `${resourceType} ${resource.id}`).toEqual(expected);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(10);
  });

  afterAll(() => {
    console.log(
      `g1-inet replay: ${tally.jobsMatched}/${tally.jobs} jobs matched ` +
        `(${tally.createJobs} create v1, ${tally.laterJobs} of version 2), ` +
        `${tally.paramsMatched}/${tally.params} params matched`,
    );
  });
});
