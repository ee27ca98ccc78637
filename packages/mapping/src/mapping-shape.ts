/**
 * Whether a mapping is well formed, checked without data: every branch of a condition,
 * every part of a concatenation and every hop of a path, where evaluation visits only
 * what the data leads it to. The rules are evaluation's own: the same functions parse
 * the compact strings, the forms, the hops and the conditions here as when a resource is
 * planned, so a template that passes this check cannot fail to parse later, and one that
 * would is refused when it is stored. It says nothing of whether the fields and foreign
 * keys a mapping names exist: that is the data's part.
 */
import { compactToObject } from './compact-mapping.js';
import { concatenationParts } from './concatenation.js';
import { parseCondition } from './conditional-mapping.js';
import { MappingFault } from './errors.js';
import { parsePath } from './hops.js';
import { isPlainObject, preview } from './json.js';
import { loopMapping, loopSource } from './loop-mapping.js';
import { checkVersion, formOf, ignoreMissingOf, nestedKeys, stringMember } from './object-mapping.js';

/** The problems of one mapping, each prefixed with `where`; [] when it is well formed. */
export function mappingProblems(mapping: unknown, where = 'mapping'): string[] {
  try {
    if (typeof mapping === 'string') return objectProblems(compactToObject(mapping), where);
    if (isPlainObject(mapping)) return objectProblems(mapping, where);
    return [`${where}: a mapping must be a compact string or an object, got ${preview(mapping)}`];
  } catch (err) {
    if (err instanceof MappingFault) return [`${where}: ${err.message}`];
    throw err;
  }
}

/** A position where a bare string is literal text (a concatenation part, a condition operand). */
function operandProblems(operand: unknown, where: string): string[] {
  return typeof operand === 'string' ? [] : mappingProblems(operand, where);
}

function objectProblems(m: Record<string, unknown>, where: string): string[] {
  // Each check below throws a MappingFault, which mappingProblems turns into the problem.
  const form = formOf(m);
  ignoreMissingOf(m);
  switch (form) {
    case 'constant':
      return []; // any JSON value, null included
    case 'field':
    case 'output_key':
      stringMember(m, form);
      return m.path === undefined ? [] : pathProblems(m.path, `${where}.path`);
    case 'version':
      checkVersion(m);
      return [];
    case 'nested':
      nestedKeys(m.nested);
      return [];
    case 'concatenate':
      return concatenationParts(m.concatenate).flatMap((part, i) => operandProblems(part, `${where}.concatenate[${i}]`));
    case 'if_mapping': {
      const { operator, operands } = parseCondition(m.if_mapping);
      const branches = (['then_mapping', 'else_mapping'] as const).filter((b) => m[b] !== undefined);
      return [
        ...operands.flatMap((operand, i) => operandProblems(operand, `${where}.if_mapping.${operator}[${i}]`)),
        ...branches.flatMap((b) => mappingProblems(m[b], `${where}.${b}`)),
      ];
    }
    case 'for_field': {
      const each = loopMapping(m);
      const source = loopSource(m.for_field);
      return [...('mapping' in source ? mappingProblems(source.mapping, `${where}.for_field`) : []), ...mappingProblems(each, `${where}.for_mapping`)];
    }
  }
}

function pathProblems(path: unknown, where: string): string[] {
  // A computed hop's foreign key is itself a mapping (a concatenation).
  return parsePath(path).flatMap((hop, i) => (hop.kind === 'computed' ? mappingProblems(hop.mapping, `${where}[${i}]`) : []));
}
