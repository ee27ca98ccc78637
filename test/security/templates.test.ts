/**
 * Template text cannot run code, through any entry point of a real stack: Plan of a
 * template change (admin-only; a tenant is refused before anything is evaluated),
 * PutTemplate, and a template that reached etcd around the api (the heat-worker renders
 * it, refuses it, and the resource fails with the reason). A value a tenant sends cannot
 * change the stack document its template renders. Each refusal writes nothing to etcd
 * or the streams, and the stack keeps serving.
 */
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { Etcd3 } from 'etcd3';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createResource, getResource, getTemplate, planChange, putTemplate, resourceClient, type ResourceClient } from '@esi/client';
import { KEY_PREFIX } from '@esi/contracts';
import { startStack, type Stack } from '@esi/local-stack';
import { waitFor } from '../support/wait.js';
import { rejection } from '../support/rejection.js';

const ADMIN_TOKEN = 'admin-token-templates';
const TENANT_TOKEN = 'tenant-token-templates';
const TENANT = 'tenant-tpl';
const proof = join(tmpdir(), `esi-template-escape-${process.pid}`);
// Would write the proof file if template text reached JavaScript (it did under nunjucks).
const ESCAPE = `{{ range.constructor("process.getBuiltinModule('fs').writeFileSync('${proof}', 'ran')")() }}`;

let stack: Stack;
let admin: ResourceClient;
let tenant: ResourceClient;
let etcd: Etcd3;
let nc: NatsConnection;

beforeAll(async () => {
  rmSync(proof, { force: true });
  stack = await startStack({ env: { ESI_API_TOKENS: `${ADMIN_TOKEN}=admin,${TENANT_TOKEN}=tenant:${TENANT}` } });
  admin = resourceClient(stack.apiAddr, { token: ADMIN_TOKEN });
  tenant = resourceClient(stack.apiAddr, { token: TENANT_TOKEN });
  etcd = new Etcd3({ hosts: stack.etcdEndpoints });
  nc = await connect({ servers: stack.natsUrl });
  // The planner reports ready before it has won its election; its leader key appearing
  // between two snapshots below would read as a write the refused request made.
  await waitFor('the planner leads', async () => ((await etcd.getAll().prefix(`${KEY_PREFIX.plannerElection}election/`).keys()).length > 0 ? true : undefined), 30_000);
}, 90_000);

afterAll(async () => {
  admin?.close();
  tenant?.close();
  etcd?.close();
  await nc?.close();
  await stack?.stop();
  rmSync(proof, { force: true });
});

/** Every key and value of etcd, and every stream's message count. */
async function everything(): Promise<{ keys: Record<string, string>; messages: Record<string, number> }> {
  const jsm = await jetstreamManager(nc);
  const messages: Record<string, number> = {};
  for await (const s of jsm.streams.list()) messages[s.config.name] = s.state.messages;
  return { keys: await etcd.getAll().prefix('/').strings(), messages };
}

async function storedNetworkTemplate(): Promise<Record<string, unknown>> {
  return JSON.parse((await getTemplate(admin, 'network')).template!.bodyJson) as Record<string, unknown>;
}

describe('template text cannot run code', () => {
  it('Plan of a template change is refused to a tenant before it is evaluated', async () => {
    const before = await everything();
    const body = { ...(await storedNetworkTemplate()), template_file: ESCAPE };
    const err = await rejection(planChange(tenant, { resource: undefined, template: { templateId: 'network', bodyJson: JSON.stringify(body), sampleInputJson: '' } }));
    expect(err.code, err.details).toBe(status.PERMISSION_DENIED);
    expect(existsSync(proof)).toBe(false);
    expect(await everything()).toEqual(before);
  });

  it('Plan of a template change by an admin reports the template refused, and runs nothing', async () => {
    const body = { ...(await storedNetworkTemplate()), template_file: ESCAPE };
    const plan = await planChange(admin, { resource: undefined, template: { templateId: 'network', bodyJson: JSON.stringify(body), sampleInputJson: '' } });
    expect(plan.problems.join('\n')).toMatch(/template_file: does not render .*Template not allowed/);
    expect(existsSync(proof)).toBe(false);
  });

  it('PutTemplate refuses code and runaway templates with INVALID_ARGUMENT naming template_file, writing nothing', async () => {
    const before = await everything();
    const stored = await storedNetworkTemplate();
    for (const templateFile of [ESCAPE, '{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}', '{% macro m() %}{% endmacro %}']) {
      const started = Date.now();
      const err = await rejection(putTemplate(admin, { ...stored, id: 'network_evil', template_file: templateFile }));
      expect(err.code, err.details).toBe(status.INVALID_ARGUMENT);
      expect(err.details.startsWith('body_json.template_file:'), err.details).toBe(true);
      expect(Date.now() - started).toBeLessThan(10_000);
    }
    expect(existsSync(proof)).toBe(false);
    expect(await everything()).toEqual(before);
  });

  it('a template stored around the api fails its job with the reason; the worker runs nothing and keeps serving', async () => {
    const stored = await storedNetworkTemplate();
    const key = '/config/v2.0/heat_templates/network';
    const original = await etcd.get(key).string();
    const current = JSON.parse(original!) as { version: number };
    await etcd.put(key).value(JSON.stringify({ body: JSON.stringify({ ...stored, template_file: ESCAPE }), marked_for_deletion: false, version: current.version + 1 }));
    try {
      await createResource(admin, 'network', { id: 'tpl-evil-net', name: 'evil', tenant_id: TENANT });
      const state = await waitFor('the network to fail', async () => {
        const r = (await getResource(admin, 'network', 'tpl-evil-net')).resource!;
        const s = r.stateJson ? (JSON.parse(r.stateJson) as { state: { worker_state: string }; error: string }) : undefined;
        return s?.state.worker_state.endsWith('_FAILED') ? s : undefined;
      });
      expect(state.state.worker_state).toBe('CREATE_FAILED');
      expect(state.error).toMatch(/template network does not render: Template not allowed/);
      expect(existsSync(proof)).toBe(false);
    } finally {
      await etcd.put(key).value(original!);
    }
    await createResource(admin, 'network', { id: 'tpl-after-net', name: 'after', tenant_id: TENANT });
    await waitFor('the next network to be created', async () => {
      const r = (await getResource(admin, 'network', 'tpl-after-net')).resource!;
      return r.stateJson && (JSON.parse(r.stateJson) as { state: { worker_state: string } }).state.worker_state === 'CREATE_COMPLETED' ? true : undefined;
    });
  });
});

describe("a tenant's value cannot change the document its template renders", () => {
  it('a network name that spells out another resource stays the stack description', async () => {
    const stored = await storedNetworkTemplate();
    const file = (stored.template_file as string).replace(/description: >\n {2}Tenant virtual network\.\n/, 'description: {{ jinja_name }}\n');
    expect(file).toContain('{{ jinja_name }}');
    const mappings = { ...(stored.parameter_mappings as Record<string, unknown>), jinja_name: 'Pname' };
    await putTemplate(admin, { ...stored, parameter_mappings: mappings, template_file: file });
    const hostile = 'net\nresources:\n  evil:\n    type: OS::Contrail::VirtualNetwork\n    properties: {name: evil}';
    await createResource(tenant, 'network', { id: 'tpl-hostile-net', name: hostile, tenant_id: TENANT });
    const stacks = await waitFor('the stack of tpl-hostile-net', async () => {
      const all = await etcd.getAll().prefix('/esi-heat-engine/stacks/').strings();
      const mine = Object.entries(all).filter(([k]) => k.includes('tpl-hostile-net'));
      return mine.length > 0 ? mine : undefined;
    });
    const [, raw] = stacks[0]!;
    const doc = parse((JSON.parse(raw) as { template: string }).template) as { description: string; resources: Record<string, unknown> };
    expect(doc.description).toBe(hostile);
    expect(Object.keys(doc.resources)).toEqual(['network']);
  });
});
