import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeStoredTemplate, goJson } from './go-json.js';
import { loadTemplates, templateBody } from './load-templates.js';
import { defaultCatalogDir } from './paths.js';
import { readTemplateSources } from './template-source.js';
import { referenceCatalogDir } from './test-support/reference.js';

describe('our catalog', () => {
  it('loads every file as a template value whose id is the file name', async () => {
    const templates = await loadTemplates();
    const files = (await readdir(defaultCatalogDir)).filter((f) => f.endsWith('.json'));
    expect(templates.map((t) => `${t.id}.json`)).toEqual(files.sort());
    for (const t of templates) {
      expect(t.body.id).toBe(t.id);
      expect(t.value).toMatchObject({ marked_for_deletion: false, version: 1 });
      expect(t.body.watch).toEqual([]);
    }
  });

  it('holds the templates an internet-gateway build needs', async () => {
    const ids = (await loadTemplates()).map((t) => t.id).sort();
    expect(ids).toEqual(
      [
        'ese_device_existing', 'ese_device_new', 'ese_device_monitoring',
        'ese_physical_port_existing', 'ese_physical_port_new', 'ese_physical_port_monitoring',
        'edge_router_monitoring', 'ha_router_monitoring', 'er_physical_interface_monitoring',
        'ha_interface_monitoring', 'internet_gateway', 'internet_gateway_monitoring', 'public_ip',
        'network', 'network_monitoring', 'subnet', 'port', 'port_monitoring', 'gw_interface_internet',
        'gw_interface_monitoring', 'ese_logical_port', 'ese_logical_port_monitoring', 'static_route_internet',
      ].sort(),
    );
  });

  it('is exactly what template-src/ generates (run scripts/build-templates.ts after editing)', async () => {
    for (const body of await readTemplateSources()) {
      const file = join(defaultCatalogDir, `${body.id}.json`);
      expect(await readFile(file, 'utf8'), file).toBe(encodeStoredTemplate(body));
    }
  });
});

describe('the reference G1 catalog', () => {
  it('loads unchanged: 58 templates, both handlers', async () => {
    const templates = await loadTemplates(referenceCatalogDir);
    expect(templates).toHaveLength(58);
    expect(new Set(templates.map((t) => t.body.handler))).toEqual(new Set(['heat_worker', 'monitoring_worker']));
  });

  it('re-encodes byte for byte, so our files are in the same serialisation', async () => {
    for (const t of await loadTemplates(referenceCatalogDir)) {
      const raw = await readFile(join(referenceCatalogDir, `${t.id}.json`), 'utf8');
      expect(goJson(t.value), t.id).toBe(raw);
      expect(goJson(t.body), t.id).toBe(t.value.body);
    }
  });
});

describe('loader rules', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  const body = { handler: 'heat_worker', id: 'network', parameter_mappings: {}, template_file: '', watch: [] };
  const value = (b: object): string => JSON.stringify({ body: JSON.stringify(b), marked_for_deletion: false, version: 1 });

  async function catalog(files: Record<string, string>): Promise<string> {
    dir = await mkdtemp(join(tmpdir(), 'catalog-'));
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
    return dir;
  }

  it('skips JSON files without a body member and non-JSON file names', async () => {
    const d = await catalog({ 'network.json': value(body), 'index.json': '{"G1": {}}', 'README.md': '# notes' });
    expect((await loadTemplates(d)).map((t) => t.id)).toEqual(['network']);
  });

  it.each([
    ['broken.json', '{', /broken\.json: not JSON/],
    ['network.json', value({ ...body, handler: 'other_worker' }), /network\.json: unknown handler/],
    ['subnet.json', value(body), /subnet\.json: template id "network" does not match/],
    ['network.json', JSON.stringify({ body: '{x', marked_for_deletion: false, version: 1 }), /network\.json: body: not JSON/],
    ['network.json', JSON.stringify({ body: {}, marked_for_deletion: false, version: 1 }), /network\.json: "body" must be a JSON string/],
  ])('rejects %s with an error naming the file', async (name, text, error) => {
    const d = await catalog({ [name]: text });
    await expect(loadTemplates(d)).rejects.toThrow(error);
  });

  it('templateBody decodes a raw etcd value, a value object and a loaded template alike', async () => {
    const [stored] = await loadTemplates();
    if (!stored) throw new Error('empty catalog');
    const raw = await readFile(join(defaultCatalogDir, `${stored.id}.json`), 'utf8');
    expect(templateBody(raw)).toEqual(stored.body);
    expect(templateBody(stored.value)).toEqual(stored.body);
    expect(templateBody(stored)).toEqual(stored.body);
  });
});
