import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { defaultCatalogDir } from './paths.js';
import { isHandler, type StoredTemplate, type StoredTemplateValue, type TemplateBody } from './template-types.js';

/**
 * Reads every `*.json` of a catalog directory.  A file counts as a template when its
 * top-level JSON object has a `body` member; other JSON files (indexes, notes) are
 * skipped.  A template that is malformed is an error naming the file, so a broken
 * catalog never loads partially.  Works for our catalog and for the reference G1 one.
 */
export async function loadTemplates(dir: string = defaultCatalogDir): Promise<StoredTemplate[]> {
  const names = (await readdir(dir)).filter((name) => name.endsWith('.json')).sort();
  const templates: StoredTemplate[] = [];
  for (const name of names) {
    const file = join(dir, name);
    const raw = await readFile(file, 'utf8');
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch (err) {
      throw new Error(`${file}: not JSON (${(err as Error).message})`);
    }
    if (!isObject(parsed) || !('body' in parsed)) continue;
    const value = storedValue(parsed, file);
    const body = templateBody(value, file);
    const id = basename(name, '.json');
    if (body.id !== id) throw new Error(`${file}: template id "${body.id}" does not match the file name`);
    templates.push({ id, value, body });
  }
  return templates;
}

/**
 * Decodes and validates the body of a stored template.  Accepts the etcd value (object
 * or its raw JSON text) or a loaded StoredTemplate; `source` names it in errors.
 */
export function templateBody(
  stored: StoredTemplateValue | StoredTemplate | string,
  source = 'template',
): TemplateBody {
  let value: StoredTemplateValue;
  if (typeof stored === 'string') value = storedValue(parseJson(stored, source), source);
  else if ('value' in stored) value = stored.value;
  else value = stored;
  return validateBody(parseJson(value.body, `${source}: body`), source);
}

function storedValue(parsed: unknown, source: string): StoredTemplateValue {
  if (!isObject(parsed)) throw new Error(`${source}: not an object`);
  const { body, marked_for_deletion, version } = parsed;
  if (typeof body !== 'string') throw new Error(`${source}: "body" must be a JSON string`);
  if (typeof marked_for_deletion !== 'boolean') throw new Error(`${source}: "marked_for_deletion" must be a boolean`);
  if (typeof version !== 'number') throw new Error(`${source}: "version" must be a number`);
  return { body, marked_for_deletion, version };
}

function validateBody(body: unknown, source: string): TemplateBody {
  if (!isObject(body)) throw new Error(`${source}: body is not an object`);
  const { handler, id, parameter_mappings, template_file, watch } = body;
  if (!isHandler(handler)) throw new Error(`${source}: unknown handler ${JSON.stringify(handler)}`);
  if (typeof id !== 'string' || id === '') throw new Error(`${source}: body has no id`);
  if (!isObject(parameter_mappings)) throw new Error(`${source}: parameter_mappings must be an object`);
  if (typeof template_file !== 'string') throw new Error(`${source}: template_file must be a string`);
  if (!Array.isArray(watch)) throw new Error(`${source}: watch must be a list`);
  return { handler, id, parameter_mappings: parameter_mappings as TemplateBody['parameter_mappings'], template_file, watch };
}

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`${source}: not JSON (${(err as Error).message})`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
