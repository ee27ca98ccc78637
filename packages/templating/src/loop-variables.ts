import { compile } from './sandbox.js';

interface Node {
  type: string;
  [field: string]: unknown;
}

/**
 * The context variables a template loops over (`{% for x in name %}`), read from the
 * parsed template: the api's template check gives those a one-element list as sample.
 */
export function templateLoopVariables(templateFile: string): Set<string> {
  const names = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (typeof value !== 'object' || value === null) return;
    const node = value as Node;
    if (node.type === 'For') {
      const iterable = node.iterable as Node | undefined;
      if (iterable?.type === 'Identifier' && typeof iterable.value === 'string') names.add(iterable.value);
    }
    for (const child of Object.values(node)) visit(child);
  };
  visit(compile(templateFile));
  return names;
}
