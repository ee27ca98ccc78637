/**
 * A spec as help text: each variable with what it is for and its default, so a
 * program's --help says what its parser reads, from the parser's own spec.
 */
import type { FieldSpec, Spec } from './parse-env.js';

export function describeSpec<C>(spec: Spec<C>, indent = '  '): string[] {
  const fields = Object.values(spec) as FieldSpec<unknown>[];
  const width = Math.max(...fields.map((f) => f.env.length)) + 2;
  return fields.map((f) => `${indent}${f.env.padEnd(width)}${[f.doc, defaultText(f)].filter(Boolean).join(' ')}`.trimEnd());
}

function defaultText(f: FieldSpec<unknown>): string {
  if (!('default' in f)) return '(required)';
  const d = f.default;
  if (d === undefined || d === '' || (Array.isArray(d) && d.length === 0)) return '';
  if (f.secret) return '';
  return `(default ${Array.isArray(d) ? d.join(',') : String(d)})`;
}
