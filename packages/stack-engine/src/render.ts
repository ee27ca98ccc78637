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
  try {
    return compiled(templateFile).render({ ...jinjaContext });
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    throw new TemplateRenderError(`Template rendering failed: ${detail}`, { cause });
  }
}

/**
 * Compiling was most of a render's cost and a catalog holds a few dozen templates, each
 * rendered for every job: compiled ones are kept, keyed by their text (an edited template
 * is a new key), the least recently used dropped past COMPILED_KEPT.
 */
const COMPILED_KEPT = 256;
const compiledCache = new Map<string, nunjucks.Template>();

function compiled(templateFile: string): nunjucks.Template {
  const hit = compiledCache.get(templateFile);
  if (hit) {
    compiledCache.delete(templateFile);
    compiledCache.set(templateFile, hit);
    return hit;
  }
  // Jinja normalises newlines and, without keep_trailing_newline, drops one final newline.
  const source = templateFile.replace(/\r\n?/g, '\n').replace(/\n$/, '');
  // Eager: a syntax error surfaces here, once, and is not cached.
  const template = new nunjucks.Template(source, environment, undefined, true);
  compiledCache.set(templateFile, template);
  if (compiledCache.size > COMPILED_KEPT) compiledCache.delete(compiledCache.keys().next().value!);
  return template;
}
