import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Root of this package; the data files live beside src/, not inside it. */
export const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Our template catalog: one stored etcd value per file. */
export const defaultCatalogDir = join(packageDir, 'templates');

/** Editable sources of the catalog (YAML); templates/ is generated from them. */
export const templateSourceDir = join(packageDir, 'template-src');

export const resourceTypesFile = join(packageDir, 'resource-types.json');
export const relationsFile = join(packageDir, 'relations.json');
export const examplesDir = join(packageDir, 'examples');
