/**
 * Values cannot change a rendered document's shape. A template is YAML with holes; a
 * value fills a hole and must stay inside it, whatever characters it holds (quotes,
 * newlines, ": ", "{{", anchors …).
 *
 * How: the template is rendered once with every printed value framed (sandbox.ts). When
 * each value is an inert word, the text is returned as is — the common case, and
 * byte-identical to plain Jinja. Otherwise the frames are replaced by unique tokens and
 * that skeleton is parsed: its shape is what the template author wrote. The values are
 * put back into the skeleton's scalars (a value that is a whole plain scalar is typed as
 * YAML would type it: 120 stays a number). When the plainly rendered text parses to that
 * same document, it is returned unchanged; when it does not, a value changed the shape,
 * and the filled skeleton is returned, serialised by the YAML library, which quotes each
 * value for where it lands.
 */
import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { isScalar, parseDocument, visit, type Document, type DocumentOptions, type ParseOptions, type SchemaOptions } from 'yaml';
import { TemplateRenderError } from './errors.js';
import { DEFAULT_RENDER_LIMITS, type RenderLimits } from './limits.js';
import { renderFramed, STRUCTURED_OPEN, VALUE_CLOSE, VALUE_OPEN } from './sandbox.js';

export type YamlOptions = ParseOptions & DocumentOptions & SchemaOptions;

export interface RenderedYaml {
  text: string;
  /** True when a value would have changed the document and was quoted in place. */
  escaped: boolean;
}

interface Segment {
  text: string;
  /** Absent for template text; set for a printed value. */
  value?: { structured: boolean };
}

/** A value that cannot leave its hole in any YAML context (no space, quote, colon, #, bracket …). */
const INERT = /^(?:[A-Za-z0-9_][A-Za-z0-9_./+-]*)?$/;
/** A value that, as a whole plain scalar, YAML may read as a number, boolean or null. */
const TYPED_WORD = /^[A-Za-z0-9_.+~-]*$/;
const MAX_ALIASES = 1000;

export function renderYamlTemplate(
  templateFile: string,
  context: Record<string, unknown>,
  options: { yaml?: YamlOptions; limits?: RenderLimits } = {},
): RenderedYaml {
  const yamlOptions = options.yaml ?? {};
  const segments = splitFramed(renderFramed(templateFile, context, { limits: options.limits ?? DEFAULT_RENDER_LIMITS }));
  const text = segments.map((s) => s.text).join('');
  if (segments.every((s) => !s.value || (!s.value.structured && INERT.test(s.text)))) return { text, escaped: false };

  const nonce = randomBytes(6).toString('hex');
  const tokens = new Map<string, Segment>();
  const skeletonText = segments
    .map((segment, i) => {
      if (!segment.value) return segment.text;
      const token = `esi${nonce}v${i}x`;
      tokens.set(token, segment);
      return token;
    })
    .join('');
  const skeleton = parseDocument(skeletonText, yamlOptions);
  // The template's own YAML is broken: nothing to protect; its reader reports the error.
  if (skeleton.errors.length > 0) return { text, escaped: false };
  fill(skeleton, tokens, new RegExp(`esi${nonce}v\\d+x`, 'g'), yamlOptions);
  const expected = toJs(skeleton);
  if (isDeepStrictEqual(toJs(parseDocument(text, yamlOptions)), expected)) return { text, escaped: false };

  const escapedText = skeleton.toString({ lineWidth: 0 }).replace(new RegExp(`esi${nonce}v\\d+x`, 'g'), (token) => inertForm(tokens.get(token)!.text));
  // The library quotes what it writes; should it ever not, refuse rather than emit a changed document.
  if (!isDeepStrictEqual(toJs(parseDocument(escapedText, yamlOptions)), expected)) {
    throw new TemplateRenderError('Template rendering failed: a value could not be placed without changing the document');
  }
  return { text: escapedText, escaped: true };
}

function splitFramed(framed: string): Segment[] {
  const segments: Segment[] = [];
  let at = 0;
  while (at < framed.length) {
    const open = nextOpen(framed, at);
    if (open < 0) {
      segments.push({ text: framed.slice(at) });
      break;
    }
    if (open > at) segments.push({ text: framed.slice(at, open) });
    const close = framed.indexOf(VALUE_CLOSE, open + 1);
    if (close < 0) throw new TemplateRenderError('Template rendering failed: unbalanced value frame');
    segments.push({ text: framed.slice(open + 1, close), value: { structured: framed[open] === STRUCTURED_OPEN } });
    at = close + 1;
  }
  return segments;
}

function nextOpen(text: string, from: number): number {
  const a = text.indexOf(VALUE_OPEN, from);
  const b = text.indexOf(STRUCTURED_OPEN, from);
  return a < 0 ? b : b < 0 ? a : Math.min(a, b);
}

/** Puts each value back into the scalar (or key) that holds its token. */
function fill(doc: Document, tokens: Map<string, Segment>, tokenPattern: RegExp, options: YamlOptions): void {
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value !== 'string' || !node.value.includes('esi')) return undefined;
      const whole = tokens.get(node.value);
      if (whole && node.type === 'PLAIN') {
        if (whole.value?.structured) return doc.createNode(JSON.parse(whole.text));
        node.value = typedPlain(whole.text, options);
        return undefined;
      }
      node.value = node.value.replace(tokenPattern, (token) => tokens.get(token)?.text ?? token);
      return undefined;
    },
  });
}

/** What YAML makes of a word written as a plain scalar: "120" → 120, "true" → true, "" → null. */
function typedPlain(text: string, options: YamlOptions): unknown {
  if (!TYPED_WORD.test(text)) return text;
  const doc = parseDocument(text, options);
  if (doc.errors.length > 0) return text;
  if (doc.contents === null) return null;
  return isScalar(doc.contents) ? doc.contents.value : text;
}

/** A value left in a comment or an anchor name: only its inert characters survive. */
function inertForm(text: string): string {
  return text.replace(/[^A-Za-z0-9_./+-]/g, '_');
}

function toJs(doc: Document): unknown {
  if (doc.errors.length > 0) return doc.errors.map((e) => e.code);
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (err) {
    return `unreadable: ${(err as Error).message}`;
  }
}
