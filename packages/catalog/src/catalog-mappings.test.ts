import { describe, expect, it } from 'vitest';
import { mappingProblems } from '@esi/mapping';
import { loadTemplates } from './load-templates.js';
import { loadResourceTypes } from './resource-types.js';
import { referenceCatalogDir } from './test-support/reference.js';

describe('parameter_mappings are well formed', () => {
  it.each([
    ['our catalog', undefined],
    ['the reference G1 catalog', referenceCatalogDir],
  ])('in %s', async (_, dir) => {
    const problems = (await loadTemplates(dir)).flatMap((t) =>
      Object.entries(t.body.parameter_mappings).flatMap(([param, m]) => mappingProblems(m, `${t.id}.${param}`)),
    );
    expect(problems).toEqual([]);
  });

  it('in the resource-type table', () => {
    const problems = Object.entries(loadResourceTypes()).flatMap(([type, entry]) =>
      Object.entries(entry.template_mappings).flatMap(([handler, m]) => mappingProblems(m, `${type}.${handler}`)),
    );
    expect(problems).toEqual([]);
  });
});
