import { DEFAULT_RENDER_LIMITS, type RenderLimits } from './limits.js';
import { renderFramed, unframe } from './sandbox.js';

export interface TextRenderOptions {
  limits?: RenderLimits;
  /** Printing an undefined or null value fails the render instead of printing ''. */
  strictUndefined?: boolean;
}

/**
 * Renders a template to plain text, in the sandbox and within the budget. For documents
 * read as YAML use renderYamlTemplate, which also keeps values inside their holes.
 *
 * Known differences from Jinja2 (none matter for the G1 catalog): `None` prints as '',
 * booleans as 'true'/'false', lists and mappings as JSON.
 */
export function renderTemplate(templateFile: string, context: Record<string, unknown>, options: TextRenderOptions = {}): string {
  return unframe(renderFramed(templateFile, context, { limits: options.limits ?? DEFAULT_RENDER_LIMITS, strictUndefined: options.strictUndefined }));
}
