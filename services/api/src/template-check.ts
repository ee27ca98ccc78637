/**
 * Whether a template may enter the catalog: a well-formed body, every parameter mapping
 * well formed (@esi/mapping mappingProblems, by evaluation's own rules), and the template renders with sample input
 * into what its handler reads — a HOT template whose required parameters are all mapped
 * (heat_worker), or a YAML mapping of monitoring items (monitoring_worker).
 */
import { parse as parseYaml } from 'yaml';
import { HANDLERS } from '@esi/catalog';
import { mappingProblems } from '@esi/mapping';
import { HEAT_YAML_OPTIONS, parseTemplate } from '@esi/stack-engine';
import { renderYamlTemplate, templateLoopVariables, type YamlOptions } from '@esi/templating';

export interface Problem {
  field: string;
  message: string;
}

export interface CheckedTemplate {
  id: string;
  handler: string;
  body: Record<string, unknown>;
}

const ID = /^[A-Za-z0-9_-]{1,128}$/;

export function templateProblems(body: Record<string, unknown>, sample: Record<string, unknown> | undefined): Problem[] {
  const problems: Problem[] = [];
  const at = (field: string, message: string): void => void problems.push({ field: `body_json.${field}`, message });
  const { id, handler, parameter_mappings: mappings, template_file: file, watch } = body;
  if (typeof id !== 'string' || !ID.test(id)) at('id', 'must be a string of letters, digits, "-" or "_" (at most 128)');
  if (typeof handler !== 'string' || !(HANDLERS as readonly string[]).includes(handler)) at('handler', `must be one of ${HANDLERS.join(', ')}`);
  if (!isObject(mappings)) at('parameter_mappings', 'must be an object of parameter name → mapping');
  if (typeof file !== 'string' || file.trim() === '') at('template_file', 'must be a non-empty string');
  if (watch !== undefined && !Array.isArray(watch)) at('watch', 'must be a list');
  const known = new Set(['id', 'handler', 'parameter_mappings', 'template_file', 'watch']);
  for (const k of Object.keys(body)) if (!known.has(k)) at(k, 'is not a template member');
  if (problems.length > 0 || !isObject(mappings) || typeof file !== 'string') return problems;

  for (const [name, mapping] of Object.entries(mappings)) {
    for (const p of mappingProblems(mapping, `parameter_mappings.${name}`)) {
      const colon = p.indexOf(': ');
      at(colon > 0 ? p.slice(0, colon) : `parameter_mappings.${name}`, colon > 0 ? p.slice(colon + 2) : p);
    }
  }
  if (problems.length > 0) return problems;

  const input = sampleInput(Object.keys(mappings), file, sample);
  if (handler === 'heat_worker') {
    // jinja_ params render the text; the others become stack parameters (esi-reference §4.6).
    const jinja = Object.fromEntries(Object.entries(input).filter(([k]) => k.startsWith('jinja_')));
    const text = render(file, jinja, HEAT_YAML_OPTIONS, at);
    if (text === undefined) return problems;
    try {
      const hot = parseTemplate(text);
      for (const [name, schema] of hot.parameters) {
        if (schema.default === undefined && !(name in mappings) && name !== 'heat_timeout') {
          at('template_file', `parameter ${name} has no default and no parameter mapping`);
        }
      }
    } catch (err) {
      at('template_file', `does not parse as a HOT template after rendering: ${(err as Error).message}`);
    }
  } else {
    const text = render(file, input, {}, at);
    if (text === undefined) return problems;
    try {
      const doc = parseYaml(text) as unknown;
      if (doc !== null && doc !== undefined && !isObject(doc)) at('template_file', 'must render to a YAML mapping of monitoring items');
    } catch (err) {
      at('template_file', `does not render to YAML: ${(err as Error).message}`);
    }
  }
  return problems;
}

/**
 * Sample values: the caller's, else a word per mapped parameter ("sample_<name>"), and a
 * one-element list for a parameter the template loops over. A word, not "": templates
 * glue values together ("{{ a }}-{{ b }}"), and an empty pair renders as "-", which YAML
 * reads as the start of a list.
 */
function sampleInput(names: string[], file: string, sample: Record<string, unknown> | undefined): Record<string, unknown> {
  let looped = new Set<string>();
  try {
    looped = templateLoopVariables(file);
  } catch {
    // a template that does not parse is reported by the render below
  }
  const out: Record<string, unknown> = Object.fromEntries(names.map((n) => [n, looped.has(n) ? [`sample_${n}`] : `sample_${n}`]));
  return { ...out, ...(sample ?? {}) };
}

function render(file: string, context: Record<string, unknown>, yaml: YamlOptions, at: (field: string, message: string) => void): string | undefined {
  try {
    return renderYamlTemplate(file, context, { yaml }).text;
  } catch (err) {
    at('template_file', `does not render with the sample input: ${(err as Error).message}`);
    return undefined;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
