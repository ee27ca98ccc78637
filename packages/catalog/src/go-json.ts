import type { StoredTemplateValue, TemplateBody } from './template-types.js';

/**
 * JSON text as Gohan (Go's encoding/json) writes it: object keys sorted, no spaces, and
 * `<`, `>`, `&`, U+2028, U+2029 escaped as \uXXXX.  Our catalog files use this form so
 * that they are byte-compatible with the values the original stored.
 */
export function goJson(value: unknown): string {
  // Those characters can only occur inside JSON strings, so escaping the text is safe.
  return JSON.stringify(sortKeys(value)).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
    return sorted;
  }
  return value;
}

/** The etcd value for a template: the body JSON-encoded as a string inside the envelope. */
export function storedTemplateValue(body: TemplateBody, version = 1): StoredTemplateValue {
  return { body: goJson(body), marked_for_deletion: false, version };
}

/** The exact text of a catalog file / etcd value. */
export function encodeStoredTemplate(body: TemplateBody, version = 1): string {
  return goJson(storedTemplateValue(body, version));
}
