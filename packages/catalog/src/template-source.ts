import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parse } from 'yaml';
import { encodeStoredTemplate } from './go-json.js';
import { defaultCatalogDir, templateSourceDir } from './paths.js';
import { isHandler, type TemplateBody } from './template-types.js';

/**
 * The catalog is edited as YAML (template-src/<id>.yaml: handler, parameter_mappings,
 * template_file as a block scalar) because HOT and Jinja text is unreadable once
 * escaped into a JSON string.  templates/<id>.json is generated from these files.
 */
export async function readTemplateSources(dir: string = templateSourceDir): Promise<TemplateBody[]> {
  const names = (await readdir(dir)).filter((name) => name.endsWith('.yaml')).sort();
  const bodies: TemplateBody[] = [];
  for (const name of names) {
    const file = join(dir, name);
    const source: unknown = parse(await readFile(file, 'utf8'));
    if (source === null || typeof source !== 'object' || Array.isArray(source)) throw new Error(`${file}: not a mapping`);
    const { handler, parameter_mappings, template_file, ...rest } = source as Record<string, unknown>;
    const extra = Object.keys(rest);
    if (extra.length > 0) throw new Error(`${file}: unexpected keys ${extra.join(', ')}`);
    if (!isHandler(handler)) throw new Error(`${file}: unknown handler ${JSON.stringify(handler)}`);
    if (parameter_mappings === null || typeof parameter_mappings !== 'object' || Array.isArray(parameter_mappings)) {
      throw new Error(`${file}: parameter_mappings must be a mapping`);
    }
    if (typeof template_file !== 'string') throw new Error(`${file}: template_file must be a string`);
    bodies.push({
      handler,
      id: basename(name, '.yaml'),
      parameter_mappings: parameter_mappings as TemplateBody['parameter_mappings'],
      template_file,
      // Always empty in every generation of the original; its purpose is unknown.
      watch: [],
    });
  }
  return bodies;
}

/** Regenerates templates/ from template-src/, removing files that lost their source. */
export async function buildCatalog(
  sourceDir: string = templateSourceDir,
  outDir: string = defaultCatalogDir,
): Promise<string[]> {
  const bodies = await readTemplateSources(sourceDir);
  const wanted = new Set(bodies.map((body) => `${body.id}.json`));
  for (const name of await readdir(outDir)) {
    if (name.endsWith('.json') && !wanted.has(name)) await rm(join(outDir, name));
  }
  for (const body of bodies) await writeFile(join(outDir, `${body.id}.json`), encodeStoredTemplate(body));
  return bodies.map((body) => body.id);
}
