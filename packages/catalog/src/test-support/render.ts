/**
 * Jinja-style rendering for the tests.  This package does not depend on a template
 * engine; the tests borrow nunjucks from the stack engine's install when it is there
 * (its Jinja2 subset is what our templates restrict themselves to).
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { packageDir } from '../paths.js';

export interface Renderer {
  render(template: string, context: Record<string, unknown>): string;
}

interface NunjucksModule {
  Environment: new (
    loaders: null,
    options: { autoescape: boolean; throwOnUndefined: boolean },
  ) => { renderString(src: string, ctx: object): string };
}

export function loadRenderer(): Renderer | undefined {
  const anchors = [join(packageDir, 'package.json'), join(packageDir, '..', 'stack-engine', 'package.json')];
  for (const anchor of anchors) {
    try {
      const nunjucks = createRequire(anchor)('nunjucks') as NunjucksModule;
      // throwOnUndefined: printing an unknown or null variable is a template bug.
      const env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: true });
      return { render: (template, context) => env.renderString(template, context) };
    } catch {
      // not installed next to this anchor; try the next one
    }
  }
  return undefined;
}
