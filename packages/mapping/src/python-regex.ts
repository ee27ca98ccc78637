import { badMapping } from './errors.js';

/** Python's inline flags that have a JavaScript equivalent. */
const INLINE_FLAGS: Record<string, string> = { i: 'i', m: 'm', s: 's', u: '' };

/**
 * Compiles a Python `re` pattern for use with `re.match` semantics: anchored at the start of
 * the string only (the sticky flag), so "network:dhcp|network:empty" matches
 * "network:dhcp_agent" but not "x-network:dhcp". The syntax differences that matter for
 * template patterns are translated: named groups `(?P<n>…)` / `(?P=n)` and leading inline
 * flags like `(?i)`.
 */
export function compilePythonPattern(pattern: string): RegExp {
  let source = pattern;
  let flags = 'y';
  const inline = /^\(\?([a-zA-Z]+)\)/.exec(source);
  if (inline?.[1] !== undefined) {
    for (const flag of inline[1]) {
      const translated = INLINE_FLAGS[flag];
      if (translated === undefined) throw badMapping(`regexp ${JSON.stringify(pattern)}: inline flag "${flag}" is not supported`);
      if (!flags.includes(translated)) flags += translated;
    }
    source = source.slice(inline[0].length);
  }
  source = source.replace(/\(\?P<([A-Za-z_]\w*)>/g, '(?<$1>').replace(/\(\?P=([A-Za-z_]\w*)\)/g, '\\k<$1>');
  try {
    return new RegExp(source, flags);
  } catch (cause) {
    throw badMapping(`regexp ${JSON.stringify(pattern)} is not a valid pattern: ${(cause as Error).message}`);
  }
}

/** Python `re.match(pattern, text) is not None`. */
export function pythonMatch(pattern: string, text: string): boolean {
  const regex = compilePythonPattern(pattern);
  regex.lastIndex = 0;
  return regex.test(text);
}
