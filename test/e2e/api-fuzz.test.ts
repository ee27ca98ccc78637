/**
 * Fuzzed input: a few thousand malformed or random requests (bad JSON, wrong types,
 * huge and deeply nested bodies, unknown types and ids, garbage protobuf, unknown
 * methods, template text that tries to run code or never end, strings that would break
 * YAML), sent over loopback with a time bound. Each must get a proper status — never
 * INTERNAL or UNKNOWN, and never OK for a write — the api must stay up, and nothing may
 * be written to /config or announced on the config stream.
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { Etcd3 } from 'etcd3';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { STREAMS, api, declaredConsumers } from '@esi/contracts';
import { createResource, getResource, resourceClient, type ResourceClient } from '@esi/client';
import { startStack, type Stack } from '@esi/local-stack';

const TARGET = 3_000;
// A safety stop, not a rate the test expects: every request is sent, however busy the machine.
const TIME_BOUND_MS = 300_000;
const IN_FLIGHT = 16;
/**
 * What each call is given: the test is about statuses, not latency, and on a loaded core
 * 3000 calls took 105 s with 28 of them past a 10 s deadline.
 */
const CALL_DEADLINE_MS = 60_000;

let stack: Stack;
let client: ResourceClient;
let etcd: Etcd3;
let nc: NatsConnection;

beforeAll(async () => {
  stack = await startStack();
  client = resourceClient(stack.apiAddr);
  etcd = new Etcd3({ hosts: stack.etcdEndpoints });
  nc = await connect({ servers: stack.natsUrl });
}, 90_000);

afterAll(async () => {
  client?.close();
  etcd?.close();
  await nc?.close();
  await stack?.stop();
});

/** mulberry32: a seeded generator, so a failure replays. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = 20_261_127;
const rand = rng(SEED);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const int = (n: number): number => Math.floor(rand() * n);

function randomText(max: number): string {
  const alphabet = 'abcXYZ019 _-./:{}[]",\\\u0000\u00e9\u2603\ud83d\ude00';
  let s = '';
  for (let i = int(max); i > 0; i--) s += alphabet[int(alphabet.length)];
  return s;
}

const proof = join(tmpdir(), `esi-fuzz-template-escape-${process.pid}`);
/** Template text that tries to run code (each wrote the proof file under nunjucks) or to run forever. */
const TEMPLATE_CODE = [
  `{{ range.constructor("process.getBuiltinModule('fs').writeFileSync('${proof}', 'ran')")() }}`,
  `{{ ''.constructor.constructor("process.getBuiltinModule('fs').writeFileSync('${proof}', 'ran')")() }}`,
  `{{ x["constructor"]["constructor"]("process.getBuiltinModule('fs').writeFileSync('${proof}', 'ran')")() }}`,
  "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
  '{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}',
  '{% set s = "ab" %}{% for i in range(64) %}{% set s = s ~ s %}{% endfor %}{{ s }}',
  "{{ x | match('(a+)+$') }}",
];
/** Strings that would change a YAML document if pasted into it unescaped. */
const HOSTILE = ['x\nevil: 1', 'a: b', "it's \"quoted\"", '{{ 7*7 }}', '&anchor x', '*alias', '- item', '# comment', '}], {', '|\n  block', '\n---\nsecond: 1'];

const TYPES = ['network', 'subnet', 'port', 'ese_logical_port', 'gw_interface', 'static_route'] as const;
const WRONG = [42, -1.5, true, null, [], {}, 'text', [1, 'a', null], { nested: { deeper: [] } }];

/** A body that is JSON but must be refused: a required field missing, a wrong type, a bad enum or address, a missing reference. */
function invalidBody(): [string, unknown] {
  const lp = { name: pick(HOSTILE), network_id: 'missing-net', connected_resource: 'gw_interface', type: 'L2', vlan_id: 10, ese_physical_port_id: 'missing-port' };
  switch (int(6)) {
    case 0:
      return ['ese_logical_port', { ...lp, vlan_id: pick(WRONG.filter((w) => typeof w !== 'number' || !Number.isInteger(w))) }];
    case 1:
      return ['ese_logical_port', { ...lp, type: randomText(6) || 'L9' }];
    case 2:
      return ['subnet', { name: pick(HOSTILE), network_id: 'missing-net', cidr: pick(['10.0.0.0/99', 'not-a-cidr', '', 7]) }];
    case 3:
      return ['gw_interface', { network_id: 'n', vrid: 1, service_type: 'internet', primary_ipv4: '1.2.3.4', secondary_ipv4: '1.2.3.5', gw_vipv4: pick(['300.1.1.1', 'x', '::1']), netmask: 24 }];
    case 4:
      return [pick(TYPES), { id: pick(['has space', 'dots.dot', '../up', 'x'.repeat(200), 7, null, { id: 1 }]), name: 'x' }];
    default:
      return ['subnet', { cidr: '10.0.0.0/24', network_id: `missing-${int(1e6)}` }];
  }
}

function nested(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth);
}

type Request = { write: boolean; path: string; send: () => Promise<unknown> };

function unary<Req>(path: string, encode: (r: Req) => Uint8Array, req: Req, write: boolean): Request {
  return { write, path, send: () => raw(path, Buffer.from(encode(req))) };
}

function raw(path: string, payload: Buffer): Promise<unknown> {
  return new Promise((resolve, reject) =>
    client.makeUnaryRequest(path, (b: Buffer) => b, (b: Buffer) => b, payload, new Metadata(), { deadline: Date.now() + CALL_DEADLINE_MS }, (err, res) => (err ? reject(err) : resolve(res))),
  );
}

const P = '/esi.api.v1.ResourceService/';
const M = api.ResourceServiceService;
let huge = 0;

function nextRequest(): Request {
  switch (int(14)) {
    case 0: // not JSON at all
      return unary(M.createResource.path, (r) => api.CreateResourceRequest.encode(r).finish(), { resourceType: pick(TYPES), bodyJson: pick(['{', '{"a":', randomText(40), '\u0000', "{'single': 1}", '{"a":1}}']) }, true);
    case 1: // JSON, but not an object
      return unary(M.createResource.path, (r) => api.CreateResourceRequest.encode(r).finish(), { resourceType: pick(TYPES), bodyJson: JSON.stringify(pick(WRONG.filter((w) => w === null || typeof w !== 'object' || Array.isArray(w)))) }, true);
    case 2: { // an object the schema refuses
      const [resourceType, body] = invalidBody();
      return unary(M.createResource.path, (r) => api.CreateResourceRequest.encode(r).finish(), { resourceType, bodyJson: JSON.stringify(body) }, true);
    }
    case 3: // unknown type
      return unary(M.createResource.path, (r) => api.CreateResourceRequest.encode(r).finish(), { resourceType: randomText(30) || 'nope', bodyJson: '{"name":"x"}' }, true);
    case 4: { // big: over the body limit, and now and then over the message limit
      huge++;
      const size = huge % 40 === 0 ? 5 * 1024 * 1024 : 300 * 1024;
      return unary(M.createResource.path, (r) => api.CreateResourceRequest.encode(r).finish(), { resourceType: 'network', bodyJson: JSON.stringify({ name: 'x'.repeat(size) }) }, true);
    }
    case 5: // deeply nested
      return unary(M.createResource.path, (r) => api.CreateResourceRequest.encode(r).finish(), { resourceType: 'network', bodyJson: `{"tags":${nested(50 + int(5000))}}` }, true);
    case 6: // update of what is not there, or with a bad id
      return unary(M.updateResource.path, (r) => api.UpdateResourceRequest.encode(r).finish(), { resourceType: pick(TYPES), id: pick([`missing-${int(1e6)}`, randomText(20), '']), bodyJson: pick(['{"name":"x"}', '[]', '{']), expectedVersion: pick([0, 1, -5, 2 ** 40]) }, true);
    case 7: // delete of what is not there
      return unary(M.deleteResource.path, (r) => api.DeleteResourceRequest.encode(r).finish(), { resourceType: pick([...TYPES, randomText(10)]), id: pick([`missing-${int(1e6)}`, randomText(20)]) }, true);
    case 8: // templates that must be refused
      return unary(M.putTemplate.path, (r) => api.PutTemplateRequest.encode(r).finish(), {
        bodyJson: pick([
          randomText(50),
          JSON.stringify({ id: 'fz', handler: 'heat_worker', parameter_mappings: { a: randomText(5) || 'X' }, template_file: '{% if %}' }),
          JSON.stringify({ id: randomText(10), handler: randomText(5) }),
          JSON.stringify({ id: 'fz_code', handler: pick(['heat_worker', 'monitoring_worker']), parameter_mappings: { x: 'Pname' }, template_file: pick(TEMPLATE_CODE) }),
        ]),
        sampleInputJson: pick(['', '[]', '{']),
        expectedVersion: 0,
      }, true);
    case 9: // garbage bytes to a write method
      return { write: true, path: M.createResource.path, send: () => raw(pick([M.createResource.path, M.updateResource.path, M.deleteResource.path, M.putTemplate.path]), Buffer.from(Array.from({ length: int(200) }, () => int(256)))) };
    case 10: // reads with random input
      return pick([
        unary(M.getResource.path, (r) => api.GetResourceRequest.encode(r).finish(), { resourceType: pick([...TYPES, randomText(8)]), id: randomText(20) }, false),
        unary(M.listResources.path, (r) => api.ListResourcesRequest.encode(r).finish(), { resourceType: pick([...TYPES, randomText(8)]), tenantId: randomText(10), pageSize: pick([0, -1, 5, 2 ** 31 - 1]), pageToken: randomText(12) }, false),
        unary(M.explain.path, (r) => api.ExplainRequest.encode(r).finish(), { resourceType: pick(TYPES), id: randomText(20) }, false),
        unary(M.getTemplate.path, (r) => api.GetTemplateRequest.encode(r).finish(), { id: randomText(20) }, false),
        unary(M.history.path, (r) => api.HistoryRequest.encode(r).finish(), { resourceType: pick([...TYPES, '']), id: randomText(12), limit: pick([-1, 0, 10]) }, false),
      ]);
    case 11: // dry runs of refused changes
      return unary(M.plan.path, (r) => api.PlanRequest.encode(r).finish(), pick<api.PlanRequest>([
        { resource: { resourceType: pick(TYPES), id: randomText(10), bodyJson: randomText(30), delete: rand() < 0.3, update: rand() < 0.3 }, template: undefined },
        { resource: undefined, template: { templateId: randomText(10), bodyJson: randomText(30), sampleInputJson: randomText(5) } },
        { resource: undefined, template: { templateId: 'fz_code', bodyJson: JSON.stringify({ id: 'fz_code', handler: 'monitoring_worker', parameter_mappings: { x: 'Pname' }, template_file: pick(TEMPLATE_CODE) }), sampleInputJson: JSON.stringify({ x: pick(HOSTILE) }) } },
        { resource: undefined, template: undefined },
      ]), false);
    case 12: // garbage bytes to a read method
      return { write: false, path: M.getResource.path, send: () => raw(pick([M.getResource.path, M.plan.path, M.explain.path]), Buffer.from(Array.from({ length: int(100) }, () => int(256)))) };
    default: // a method that does not exist (a name HTTP/2 can carry: the client refuses others itself)
      return { write: false, path: 'unknown', send: () => raw(`${P}${pick(['Drop', 'Exec', `X${int(1e9).toString(36)}`])}`, Buffer.from([1, 2, 3])) };
  }
}

const WRITE_OK = new Set([status.INVALID_ARGUMENT, status.NOT_FOUND, status.RESOURCE_EXHAUSTED, status.FAILED_PRECONDITION, status.UNIMPLEMENTED]);
const READ_OK = new Set([...WRITE_OK, status.OK]);

it('every malformed or random request gets a proper status, the api stays up, and nothing is written', async () => {
  const before = await etcd.getAll().prefix('/config/').strings();
  const jsm = await jetstreamManager(nc);
  const announced = (await jsm.streams.info('ESI_CONFIG')).state.messages;

  const started = Date.now();
  const codes = new Map<number, number>();
  const bad: string[] = [];
  let sent = 0;
  const worker = async (): Promise<void> => {
    while (sent < TARGET && Date.now() - started < TIME_BOUND_MS) {
      sent++;
      const r = nextRequest();
      let code: number = status.OK;
      try {
        await r.send();
      } catch (err) {
        code = (err as ServiceError).code;
      }
      codes.set(code, (codes.get(code) ?? 0) + 1);
      if (!(r.write ? WRITE_OK : READ_OK).has(code) && bad.length < 20) bad.push(`${r.path}: ${status[code]}`);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const summary = Object.fromEntries([...codes].map(([c, n]) => [status[c], n]));
  console.log(`fuzz: ${sent} requests in ${Date.now() - started} ms (seed ${SEED})`, summary);

  expect(bad, JSON.stringify(summary)).toEqual([]);
  expect(sent).toBe(TARGET);
  expect(codes.get(status.INVALID_ARGUMENT)).toBeGreaterThan(sent / 3);
  expect(codes.has(status.RESOURCE_EXHAUSTED)).toBe(true);
  expect(await etcd.getAll().prefix('/config/').strings()).toEqual(before);
  expect((await jsm.streams.info('ESI_CONFIG')).state.messages).toBe(announced);
  expect(existsSync(proof), 'a template ran code').toBe(false);

  // Still serving, and still accepting good requests.
  expect(stack.services.get('api')!.process.proc.exitCode).toBeNull();
  const ok = await createResource(client, 'network', { name: 'after the fuzz' });
  expect((await getResource(client, 'network', ok.resource!.id)).resource!.version).toBe(1);
}, 400_000);

// Here because this file has a whole stack running and a NATS connection already.
it('the consumers on the server are exactly the ones the ownership registry declares', async () => {
  const jsm = await jetstreamManager(nc);
  const onServer: string[] = [];
  for (const spec of Object.values(STREAMS)) {
    for await (const c of jsm.consumers.list(spec.name)) onServer.push(`${spec.name} ${c.name} ${c.config.filter_subject ?? ''}`);
  }
  const declared = declaredConsumers().map(({ decl }) => `${decl.stream.name} ${decl.durable} ${decl.filter}`);
  expect(onServer.sort()).toEqual(declared.sort());
});
