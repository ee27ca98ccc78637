/**
 * Validation schemas per resource type, as data: `schemas/<type>.json` beside the
 * catalog (format in schemas/README.md). A new type needs a file here and a row in
 * resource-types.json, no code. The loader checks every file's shape once, so a broken
 * schema fails at start with its file and field named, never at request time.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { packageDir } from './paths.js';

export const JSON_TYPES = ['string', 'integer', 'number', 'boolean', 'array', 'object', 'null'] as const;
export type JsonType = (typeof JSON_TYPES)[number];

/** Formats the api checks; the original's uuid formats are not among them (ids here are API tokens). */
export const FIELD_FORMATS = ['ipv4', 'ipv6', 'cidr', 'cidr-or-ipv4'] as const;
export type FieldFormat = (typeof FIELD_FORMATS)[number];

export interface FieldSchema {
  type?: JsonType | JsonType[];
  enum?: unknown[];
  format?: FieldFormat;
  /** Type of the resource a non-empty value names; it must exist. */
  references?: string;
  /** Schema of each element (arrays). */
  items?: FieldSchema;
  /** Members of an object value. */
  fields?: Record<string, FieldSchema>;
  /** Members an object value must carry. */
  required?: string[];
  /** A password, community, login or key: shown to tenants as "***" wherever it appears. */
  secret?: boolean;
}

export interface ResourceSchema {
  type: string;
  required: string[];
  fields: Record<string, FieldSchema>;
  /**
   * Shared infrastructure (the provider's devices, links and the services it offers):
   * only an admin creates or changes one, and any tenant may reference it whatever its
   * tenant_id says.
   */
  shared?: boolean;
}

export type ResourceSchemas = Record<string, ResourceSchema>;

export const defaultSchemasDir = join(packageDir, 'schemas');

let cached: ResourceSchemas | undefined;

/** Every `<type>.json` of a schema directory, checked; the default one is cached. */
export function loadSchemas(dir?: string): ResourceSchemas {
  if (dir !== undefined) return readSchemas(dir);
  cached ??= readSchemas(defaultSchemasDir);
  return cached;
}

function readSchemas(dir: string): ResourceSchemas {
  const out: ResourceSchemas = {};
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
    const file = join(dir, name);
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new Error(`${file}: ${(err as Error).message}`);
    }
    const schema = parseSchema(data, file);
    if (schema.type !== basename(name, '.json')) throw new Error(`${file}: type "${schema.type}" does not match the file name`);
    out[schema.type] = schema;
  }
  return out;
}

function parseSchema(data: unknown, where: string): ResourceSchema {
  if (!isRecord(data)) throw new Error(`${where}: not an object`);
  const { type, required, fields, shared } = data;
  if (typeof type !== 'string' || type === '') throw new Error(`${where}: type must be a non-empty string`);
  if (shared !== undefined && typeof shared !== 'boolean') throw new Error(`${where}: shared must be true or false`);
  const schema: ResourceSchema = { type, required: names(required, `${where}: required`), fields: fieldMap(fields, `${where}: fields`) };
  if (shared) schema.shared = true;
  return schema;
}

function fieldMap(data: unknown, where: string): Record<string, FieldSchema> {
  if (!isRecord(data)) throw new Error(`${where} must be an object`);
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, parseField(v, `${where}.${k}`)]));
}

function parseField(data: unknown, where: string): FieldSchema {
  if (!isRecord(data)) throw new Error(`${where}: not an object`);
  const known = new Set(['type', 'enum', 'format', 'references', 'items', 'fields', 'required', 'secret']);
  const unknown = Object.keys(data).filter((k) => !known.has(k));
  if (unknown.length > 0) throw new Error(`${where}: unknown member(s) ${unknown.join(', ')}`);
  const f: FieldSchema = {};
  if (data.type !== undefined) {
    const list = Array.isArray(data.type) ? data.type : [data.type];
    if (list.length === 0 || !list.every((t) => (JSON_TYPES as readonly unknown[]).includes(t))) {
      throw new Error(`${where}.type: expected one or more of ${JSON_TYPES.join(', ')}`);
    }
    f.type = data.type as FieldSchema['type'];
  }
  if (data.enum !== undefined) {
    if (!Array.isArray(data.enum) || data.enum.length === 0) throw new Error(`${where}.enum: expected a non-empty list`);
    f.enum = data.enum;
  }
  if (data.format !== undefined) {
    if (!(FIELD_FORMATS as readonly unknown[]).includes(data.format)) throw new Error(`${where}.format: expected one of ${FIELD_FORMATS.join(', ')}`);
    f.format = data.format as FieldFormat;
  }
  if (data.references !== undefined) {
    if (typeof data.references !== 'string' || data.references === '') throw new Error(`${where}.references: expected a type name`);
    f.references = data.references;
  }
  if (data.items !== undefined) f.items = parseField(data.items, `${where}.items`);
  if (data.fields !== undefined) f.fields = fieldMap(data.fields, `${where}.fields`);
  if (data.required !== undefined) f.required = names(data.required, `${where}.required`);
  if (data.secret !== undefined) {
    if (typeof data.secret !== 'boolean') throw new Error(`${where}.secret: expected true or false`);
    if (data.secret) f.secret = true;
  }
  return f;
}

function names(data: unknown, where: string): string[] {
  if (!Array.isArray(data) || !data.every((n) => typeof n === 'string' && n !== '')) throw new Error(`${where} must be a list of field names`);
  return data as string[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
