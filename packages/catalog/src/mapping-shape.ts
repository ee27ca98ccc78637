/**
 * Structural check of the parameter-mapping language (esi-reference §4.3 compact
 * strings, §4.4 object form).  It says whether a mapping is well formed, not whether
 * the fields and foreign keys it names exist; evaluation belongs to the planner.
 */

const KINDS = ['constant', 'field', 'output_key', 'version', 'nested', 'concatenate', 'if_mapping', 'for_field'] as const;
type Kind = (typeof KINDS)[number];

/** Members each kind may carry besides itself (ignore_missing is allowed everywhere). */
const COMPANIONS: Record<Kind, readonly string[]> = {
  constant: [],
  field: ['path'],
  output_key: ['path'],
  version: [],
  nested: [],
  concatenate: [],
  if_mapping: ['then_mapping', 'else_mapping'],
  for_field: ['for_mapping'],
};

/** Returns the problems of one mapping, each prefixed with `where`; [] when well formed. */
export function mappingProblems(mapping: unknown, where = 'mapping'): string[] {
  if (typeof mapping === 'string') return compactProblems(mapping, where);
  if (!isObject(mapping)) return [`${where}: expected a string or an object, got ${describe(mapping)}`];
  return objectProblems(mapping, where);
}

function compactProblems(text: string, where: string): string[] {
  const tag = text.charAt(0);
  const rest = text.slice(1);
  const bad = (why: string): string[] => [`${where}: ${JSON.stringify(text)} ${why}`];
  switch (tag) {
    case 'C':
      return []; // the text after C is taken verbatim, colons and all
    case 'P':
      return rest === '' ? bad('names no field') : [];
    case 'V':
      return rest === 'auto_filled' ? [] : bad('must be Vauto_filled');
    case 'M': {
      const parts = rest.split(':');
      return parts.length === 3 && parts.every((p) => p !== '') ? [] : bad('must be M<type>:<fk>:<output key>');
    }
    case 'F':
      return pathTextProblems(rest) ? bad('must be F<type>+<fk>(:<type>+<fk>)*:<field>') : [];
    case 'O': {
      const parts = rest.split(':');
      return parts.length >= 2 && parts.every((p) => p !== '') ? [] : bad('must be O<field>:<key>(:<key>)*');
    }
    case 'A': {
      if (rest === '') return bad('has no parts');
      return rest.split('&').flatMap((part, i) =>
        /^[CPF]/.test(part) ? compactProblems(part, `${where} part ${i}`) : bad(`part ${i} ${JSON.stringify(part)} must be C, P or F`),
      );
    }
    default:
      return bad('does not start with one of C P V M F O A');
  }
}

/** True when an F path (without the F) is malformed. */
function pathTextProblems(path: string): boolean {
  const segments = path.split(':');
  const field = segments.pop();
  if (!field || field.includes('+') || segments.length === 0) return true;
  return segments.some((hop) => !/^[^+]+\+[^+]+$/.test(hop));
}

function objectProblems(m: Record<string, unknown>, where: string): string[] {
  const kinds = KINDS.filter((k) => k in m);
  if (kinds.length !== 1) return [`${where}: needs exactly one of ${KINDS.join(', ')}; has ${kinds.join(', ') || 'none'}`];
  const kind = kinds[0] as Kind;
  const allowed = new Set<string>([kind, 'ignore_missing', ...COMPANIONS[kind]]);
  const problems = Object.keys(m)
    .filter((key) => !allowed.has(key))
    .map((key) => `${where}: "${key}" is not allowed with "${kind}"`);
  if ('ignore_missing' in m && typeof m.ignore_missing !== 'boolean') problems.push(`${where}: ignore_missing must be a boolean`);

  switch (kind) {
    case 'constant':
      break; // any JSON value, null included
    case 'field':
    case 'output_key':
      if (typeof m[kind] !== 'string' || m[kind] === '') problems.push(`${where}: ${kind} must be a non-empty string`);
      if ('path' in m) problems.push(...pathProblems(m.path, `${where}.path`));
      break;
    case 'version':
      if (m.version !== 'auto_filled') problems.push(`${where}: version must be "auto_filled"`);
      break;
    case 'nested':
      if (!Array.isArray(m.nested) || m.nested.length === 0 || !m.nested.every((k) => typeof k === 'string' && k !== '')) {
        problems.push(`${where}: nested must be a non-empty list of keys`);
      }
      break;
    case 'concatenate':
      problems.push(...partsProblems(m.concatenate, `${where}.concatenate`));
      break;
    case 'if_mapping':
      problems.push(...conditionProblems(m.if_mapping, `${where}.if_mapping`));
      for (const branch of ['then_mapping', 'else_mapping']) {
        if (!(branch in m)) problems.push(`${where}: ${branch} is missing`);
        else problems.push(...mappingProblems(m[branch], `${where}.${branch}`));
      }
      break;
    case 'for_field':
      if (typeof m.for_field === 'string') {
        if (m.for_field === '') problems.push(`${where}: for_field is empty`);
      } else {
        problems.push(...mappingProblems(m.for_field, `${where}.for_field`));
      }
      if (!('for_mapping' in m)) problems.push(`${where}: for_mapping is missing`);
      else problems.push(...mappingProblems(m.for_mapping, `${where}.for_mapping`));
      break;
  }
  return problems;
}

function pathProblems(path: unknown, where: string): string[] {
  if (!Array.isArray(path) || path.length === 0) return [`${where}: must be a non-empty list of hops`];
  return path.flatMap((hop, i) => {
    const at = `${where}[${i}]`;
    if (typeof hop === 'string') return hop === '' ? [`${at}: empty foreign key`] : [];
    if (!isObject(hop)) return [`${at}: a hop is a string or an object, got ${describe(hop)}`];
    if ('concatenate' in hop) {
      return Object.keys(hop).length === 1 ? partsProblems(hop.concatenate, `${at}.concatenate`) : [`${at}: unexpected members`];
    }
    const keys = Object.keys(hop).sort().join(',');
    // id "" is legal inside for_mapping: the loop element itself is the id.
    if (keys !== 'id,type' || typeof hop.id !== 'string' || typeof hop.type !== 'string' || hop.type === '') {
      return [`${at}: typed hop must be {"id": <fk>, "type": <type>}`];
    }
    return [];
  });
}

function partsProblems(parts: unknown, where: string): string[] {
  if (!Array.isArray(parts) || parts.length === 0) return [`${where}: must be a non-empty list`];
  // Bare strings are literals here, so only object parts are checked further.
  return parts.flatMap((part, i) => (typeof part === 'string' ? [] : mappingProblems(part, `${where}[${i}]`)));
}

function conditionProblems(cond: unknown, where: string): string[] {
  if (!isObject(cond)) return [`${where}: must be an object`];
  const ops = Object.keys(cond);
  const op = ops[0];
  if (ops.length !== 1 || (op !== 'equal' && op !== 'regexp')) return [`${where}: must be {"equal": [a, b]} or {"regexp": [value, pattern]}`];
  const operands = cond[op];
  if (!Array.isArray(operands) || operands.length !== 2) return [`${where}.${op}: needs exactly two operands`];
  return partsProblems(operands, `${where}.${op}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value;
}
