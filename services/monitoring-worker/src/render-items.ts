/** A monitoring template renders (Jinja, then YAML) into items plus db_mappings. */
import { parse } from 'yaml';
import { renderTemplate } from '@esi/stack-engine';
import { InvalidItemError, validateItem, type MonitoringItem } from './item-types.js';

export interface RenderedMonitoring {
  items: Record<string, MonitoringItem>;
  dbMappings: Record<string, unknown>[];
}

export function renderMonitoring(templateFile: string, params: Record<string, unknown>): RenderedMonitoring {
  const text = renderTemplate(templateFile, params);
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new InvalidItemError(`monitoring template does not render to YAML: ${(err as Error).message}`);
  }
  const items: Record<string, MonitoringItem> = {};
  let dbMappings: Record<string, unknown>[] = [];
  if (doc === null || doc === undefined) return { items, dbMappings };
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new InvalidItemError('monitoring template must render to a mapping');
  for (const [name, value] of Object.entries(doc as Record<string, unknown>)) {
    if (name === 'db_mappings') dbMappings = Array.isArray(value) ? (value as Record<string, unknown>[]) : [];
    else items[name] = validateItem(name, value);
  }
  return { items, dbMappings };
}
