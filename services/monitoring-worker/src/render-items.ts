/**
 * A monitoring template renders (Jinja, then YAML) into items plus db_mappings
 * (esi-reference §5.3 step 2); every item is validated for its type.
 */
import { parse } from 'yaml';
import { renderYamlTemplate } from '@esi/templating';
import { InvalidItemError, validateItem, type MonitoringItem } from './item-types.js';

export interface RenderedMonitoring {
  items: Record<string, MonitoringItem>;
  dbMappings: Record<string, unknown>[];
}

export function renderMonitoring(templateFile: string, params: Record<string, unknown>): RenderedMonitoring {
  // yaml's default (1.2 core) is how the items are read below, so values are typed alike.
  const { text } = renderYamlTemplate(templateFile, params);
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new InvalidItemError(`does not render to YAML: ${(err as Error).message}`, { cause: err });
  }
  const items: Record<string, MonitoringItem> = {};
  let dbMappings: Record<string, unknown>[] = [];
  // An empty rendering is "no items" (a port before it is attached).
  if (doc === null || doc === undefined) return { items, dbMappings };
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new InvalidItemError('must render to a mapping of items');
  for (const [name, value] of Object.entries(doc as Record<string, unknown>)) {
    if (name === 'db_mappings') dbMappings = validateDbMappings(value);
    else items[name] = validateItem(name, value);
  }
  return { items, dbMappings };
}

function validateDbMappings(value: unknown): Record<string, unknown>[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value) || value.some((m) => !m || typeof m !== 'object' || Array.isArray(m) || !('mapped_id' in m))) {
    throw new InvalidItemError('db_mappings must be a list of mappings with a mapped_id');
  }
  return value as Record<string, unknown>[];
}
