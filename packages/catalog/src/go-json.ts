import { goJsonMarshal } from '@esi/contracts';
import type { StoredTemplateValue, TemplateBody } from './template-types.js';

/**
 * JSON text as Gohan (Go's encoding/json) writes it: @esi/contracts' goJsonMarshal, the one
 * encoder of stored values, so a template from these files and the same body sent through
 * the api's PutTemplate are the same bytes. Our catalog files use this form so that they
 * are byte-compatible with the values the original stored.
 */
export const goJson: (value: unknown) => string = goJsonMarshal;

/** The etcd value for a template: the body JSON-encoded as a string inside the envelope. */
export function storedTemplateValue(body: TemplateBody, version = 1): StoredTemplateValue {
  return { body: goJson(body), marked_for_deletion: false, version };
}

/** The exact text of a catalog file / etcd value. */
export function encodeStoredTemplate(body: TemplateBody, version = 1): string {
  return goJson(storedTemplateValue(body, version));
}
