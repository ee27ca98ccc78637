/**
 * Keeps secrets out of configuration errors, which end up in logs and on terminals.
 */

/** `scheme://user:password@host` → `scheme://***@host`, anywhere in a text. */
export function hideCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s,]*@/gi, '$1***@');
}

/**
 * A parser's message about a secret value, with the value and every piece of it (items
 * of a list, both sides of `=`, `:` and `@`) replaced, so a parser that quoted part of
 * its input still cannot leak it. Pieces under 8 characters are words such as "admin"
 * or "tenant" (tokens are longer): hiding them would garble the message, not protect.
 */
export function hideSecret(message: string, raw: string): string {
  const pieces = new Set<string>();
  for (const item of raw.split(/[\s,;]+/)) {
    pieces.add(item);
    for (const part of item.split(/[=:@]/)) pieces.add(part);
  }
  const hidden = [raw.trim(), ...[...pieces].filter((p) => p.length >= 8)].filter((p) => p !== '');
  let out = message;
  for (const piece of hidden.sort((a, b) => b.length - a.length)) {
    out = out.split(piece).join('***');
  }
  return hideCredentials(out);
}
