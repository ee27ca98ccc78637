import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageDir } from '../paths.js';

/** The recorded original system, beside every checkout (../shared/reference). */
export const referenceDir = join(packageDir, '..', '..', '..', 'shared', 'reference');
export const referenceCatalogDir = join(referenceDir, 'templates', 'g1');

export interface ReferenceSchema {
  id: string;
  plural: string;
  prefix: string;
  schema?: { required?: string[]; properties?: Record<string, { relation?: string }> };
}

export function referenceSchemas(): ReferenceSchema[] {
  return (JSON.parse(readFileSync(join(referenceDir, 'schemas.json'), 'utf8')) as { schemas: ReferenceSchema[] }).schemas;
}

export function referenceRelations(): Record<string, Record<string, string>> {
  return JSON.parse(readFileSync(join(referenceDir, 'relations.json'), 'utf8')) as Record<string, Record<string, string>>;
}
