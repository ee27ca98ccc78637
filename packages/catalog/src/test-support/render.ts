/**
 * Rendering for the catalog's tests: the sandboxed renderer the workers use, strict about
 * undefined values (printing an unknown or null variable is a template bug).
 */
import { renderTemplate } from '@esi/templating';

export interface Renderer {
  render(template: string, context: Record<string, unknown>): string;
}

export function loadRenderer(): Renderer {
  return { render: (template, context) => renderTemplate(template, context, { strictUndefined: true }) };
}
