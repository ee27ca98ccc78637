/**
 * Applies a resource type's schema (packages/catalog/schemas) to a body: required
 * fields, JSON types, enums and address formats, naming the first offending field as
 * `body_json.<path>`. References are collected here and checked against etcd elsewhere.
 */
import { isIP, isIPv4 } from 'node:net';
import type { FieldFormat, FieldSchema, JsonType, ResourceSchema } from '@esi/catalog';
import { ValidationError } from './errors.js';

export interface Reference {
  field: string;
  type: string;
  id: string;
}

export function checkBody(body: Record<string, unknown>, schema: ResourceSchema, root = 'body_json'): void {
  checkRequired(body, schema.required, root);
  for (const [name, value] of Object.entries(body)) {
    const field = schema.fields[name];
    if (field) checkValue(value, field, `${root}.${name}`);
  }
}

/** Every non-empty value of a `references` field, with where it was found. */
export function referencesIn(body: Record<string, unknown>, schema: ResourceSchema, root = 'body_json'): Reference[] {
  const out: Reference[] = [];
  const walk = (value: unknown, field: FieldSchema, path: string): void => {
    if (field.references && typeof value === 'string' && value !== '') out.push({ field: path, type: field.references, id: value });
    if (field.items && Array.isArray(value)) value.forEach((v, i) => walk(v, field.items!, `${path}[${i}]`));
    if (field.fields && isObject(value)) {
      for (const [k, f] of Object.entries(field.fields)) if (k in value) walk(value[k], f, `${path}.${k}`);
    }
  };
  for (const [name, f] of Object.entries(schema.fields)) if (name in body) walk(body[name], f, `${root}.${name}`);
  return out;
}

function checkRequired(obj: Record<string, unknown>, required: string[], root: string): void {
  for (const name of required) {
    const v = obj[name];
    if (v === undefined || v === null || v === '') throw new ValidationError(`${root}.${name}`, 'is required');
  }
}

function checkValue(value: unknown, field: FieldSchema, path: string): void {
  if (field.type !== undefined) {
    const allowed = Array.isArray(field.type) ? field.type : [field.type];
    const actual = jsonTypeOf(value);
    const ok = allowed.includes(actual) || (actual === 'integer' && allowed.includes('number'));
    if (!ok) throw new ValidationError(path, `must be ${allowed.join(' or ')}, not ${actual}`);
  }
  if (value === null) return;
  if (field.enum && !field.enum.some((e) => e === value)) {
    throw new ValidationError(path, `must be one of ${field.enum.map((e) => JSON.stringify(e)).join(', ')}`);
  }
  if (field.format && typeof value === 'string' && !formatOk(field.format, value)) {
    throw new ValidationError(path, `must be ${article(field.format)} ${field.format} address`);
  }
  if (field.items && Array.isArray(value)) value.forEach((v, i) => checkValue(v, field.items!, `${path}[${i}]`));
  if ((field.fields || field.required) && isObject(value)) {
    checkRequired(value, field.required ?? [], path);
    for (const [k, f] of Object.entries(field.fields ?? {})) if (k in value) checkValue(value[k], f, `${path}.${k}`);
  }
}

function jsonTypeOf(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'object') return typeof value as JsonType;
  return 'null';
}

function formatOk(format: FieldFormat, v: string): boolean {
  switch (format) {
    case 'ipv4':
      return isIPv4(v);
    case 'ipv6':
      return isIP(v) === 6;
    case 'cidr':
      return cidrOk(v);
    case 'cidr-or-ipv4':
      return isIPv4(v) || cidrOk(v);
  }
}

function cidrOk(v: string): boolean {
  const m = /^(.+)\/(\d{1,3})$/.exec(v);
  if (!m) return false;
  const family = isIP(m[1]!);
  const len = Number(m[2]);
  return (family === 4 && len <= 32) || (family === 6 && len <= 128);
}

function article(format: string): string {
  return /^[aeiou]/i.test(format) ? 'an' : 'a';
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
