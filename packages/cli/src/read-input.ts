/** A resource body (or template, or build) from a JSON or YAML file, or stdin for "-". */
import { parse as parseYaml } from 'yaml';
import { UsageError } from './args.js';
import type { Io } from './io.js';

export async function readDocument(io: Io, path: string | undefined, what = '--file'): Promise<unknown> {
  if (!path) throw new UsageError(`${what} is required (a JSON or YAML file, or - for stdin)`);
  let text: string;
  try {
    text = path === '-' ? await io.readStdin() : io.readFile(path);
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${(err as Error).message}`);
  }
  // YAML is a superset of JSON, but JSON.parse gives better messages for JSON files.
  const trimmed = text.trim();
  try {
    return trimmed.startsWith('{') || trimmed.startsWith('[') ? JSON.parse(trimmed) : parseYaml(text);
  } catch (err) {
    throw new UsageError(`${path} is not valid ${trimmed.startsWith('{') || trimmed.startsWith('[') ? 'JSON' : 'YAML'}: ${(err as Error).message}`);
  }
}

export async function readObject(io: Io, path: string | undefined, what = '--file'): Promise<Record<string, unknown>> {
  const doc = await readDocument(io, path, what);
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new UsageError(`${path} must hold one object`);
  return doc as Record<string, unknown>;
}
