import nunjucks from 'nunjucks';
import { TemplateRenderError } from './errors.js';

// One environment for every render: it holds no loader and no per-template state.
// Jinja's defaults: no autoescaping (the output is YAML, not HTML) and a lenient
// Undefined that renders as the empty string.
const environment = new nunjucks.Environment(null, {
  autoescape: false,
  throwOnUndefined: false,
  trimBlocks: false,
  lstripBlocks: false,
});

// The original registered a `match` filter (G1 port_monitoring: `device_owner |
// match('compute')`): Python re.match, i.e. a regular expression anchored at the start.
environment.addFilter('match', (value: unknown, pattern: unknown) => {
  if (value === undefined || value === null) return false;
  try {
    return new RegExp(`^(?:${String(pattern)})`).test(String(value));
  } catch {
    return false;
  }
});

/**
 * Render a catalog `template_file` the way the original heat_worker's Jinja2 did, with
 * the `jinja_*` params as context.
 *
 * Known differences from Jinja2 (none matter for the G1 catalog): `None`/`True`/`False`
 * print as ''/'true'/'false' rather than Python's spelling, and lists print as `a,b`.
 */
export function renderTemplate(templateFile: string, jinjaContext: Record<string, unknown>): string {
  // Jinja normalises newlines and, without keep_trailing_newline, drops one final newline.
  const source = templateFile.replace(/\r\n?/g, '\n').replace(/\n$/, '');
  try {
    return environment.renderString(source, { ...jinjaContext });
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    throw new TemplateRenderError(`Template rendering failed: ${detail}`, { cause });
  }
}
