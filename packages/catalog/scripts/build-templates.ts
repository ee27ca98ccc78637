// Regenerates packages/catalog/templates/*.json from template-src/*.yaml.
// Run: pnpm tsx packages/catalog/scripts/build-templates.ts
import { buildCatalog } from '../src/template-source.js';

const ids = await buildCatalog();
console.log(`wrote ${ids.length} templates: ${ids.join(', ')}`);
