import { afterEach, describe, expect, it } from 'vitest';
import { TemplateBudgetError, TemplateNotAllowedError, TemplateRenderError } from './errors.js';
import { DEFAULT_RENDER_LIMITS } from './limits.js';
import { renderTemplate } from './render.js';

const marker = '__esi_template_escape';
const globals = globalThis as Record<string, unknown>;
const escape = `globalThis.${marker} = 1; return process`;

// Ways out of a JavaScript template engine (the nunjucks one worked) and of Jinja2's own
// sandbox; each would set the marker, or return a process handle, if it ran.
const ESCAPES = [
  `{{ range.constructor("${escape}")() }}`,
  `{{ "".constructor.constructor("${escape}")() }}`,
  `{{ x["constructor"]["constructor"]("${escape}")() }}`,
  `{{ o["constructor"]["constructor"]("${escape}")() }}`,
  `{{ o.__proto__ }}`,
  `{{ ''.__class__.__mro__[1].__subclasses__() }}`,
  `{{ cycler.__init__.__globals__.os.popen('id').read() }}`,
  `{{ lipsum.__globals__ }}`,
  `{{ self._TemplateReference__context }}`,
  `{% macro m() %}{{ caller() }}{% endmacro %}{{ m() }}`,
  `{% filter upper %}x{% endfilter %}`,
  `{{ namespace(a=1) }}`,
  `{{ raise_exception("x") }}`,
  `{{ x | map("constructor") }}`,
  `{{ x.center(1000000000) }}`,
  `{{ x.replace("", x) }}`,
  `{{ x | indent(100000000) }}`,
];

afterEach(() => {
  delete globals[marker];
});

describe('the sandbox', () => {
  it.each(ESCAPES)('refuses %s without running anything', (template) => {
    let out: string | undefined;
    let error: unknown;
    try {
      out = renderTemplate(template, { x: 'abc', o: { a: 1 } });
    } catch (err) {
      error = err;
    }
    expect(globals[marker]).toBeUndefined();
    // Either refused outright, or it found nothing to call: never a process handle.
    if (error === undefined) expect(out).not.toMatch(/process|function|native code|\[object/);
    else expect(error).toBeInstanceOf(TemplateRenderError);
  });

  it('names what it refuses', () => {
    expect(() => renderTemplate('{{ x.center(5) }}', { x: 'a' })).toThrow(TemplateNotAllowedError);
    expect(() => renderTemplate('{{ x.center(5) }}', { x: 'a' })).toThrow('method .center() is not supported');
    expect(() => renderTemplate('{{ x | map("y") }}', { x: [] })).toThrow('filter map is not supported');
    expect(() => renderTemplate('{% macro m() %}{% endmacro %}', {})).toThrow('a macro is not supported');
  });

  it('gives context values no methods of JavaScript', () => {
    expect(renderTemplate('[{{ o["constructor"] }}][{{ o["toString"] }}][{{ o["hasOwnProperty"] }}][{{ s["constructor"] }}]', { o: { a: 1 }, s: 'x' })).toBe('[][][][]');
    expect(renderTemplate('{{ o["__proto__"] }}', { o: { a: 1 } })).toBe('');
  });
});

describe('the budget', () => {
  it('stops a template that loops too long', () => {
    const limits = { ...DEFAULT_RENDER_LIMITS, maxSteps: 10_000 };
    expect(() => renderTemplate('{% for i in range(5000) %}{% for j in range(5000) %}{% endfor %}{% endfor %}', {}, { limits })).toThrow(/more than 10000 steps/);
    expect(() => renderTemplate('{% for i in range(5000) %}{% for j in range(5000) %}{% endfor %}{% endfor %}', {}, { limits })).toThrow(TemplateBudgetError);
  });

  it('stops a render that runs past its time', () => {
    const limits = { ...DEFAULT_RENDER_LIMITS, maxMillis: 50, maxSteps: Number.MAX_SAFE_INTEGER };
    const started = Date.now();
    expect(() => renderTemplate('{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}', {}, { limits })).toThrow(/more than 50 ms/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('stops a string that doubles itself', () => {
    expect(() => renderTemplate('{% set s = "ab" %}{% for i in range(64) %}{% set s = s ~ s %}{% endfor %}{{ s }}', {})).toThrow(/exceeds 1048576 characters/);
  });

  it('stops output that grows past the limit', () => {
    const limits = { ...DEFAULT_RENDER_LIMITS, maxChars: 1000 };
    expect(() => renderTemplate('{% for i in range(200) %}0123456789{% endfor %}', {}, { limits })).toThrow(TemplateBudgetError);
    expect(renderTemplate('{% for i in range(90) %}0123456789{% endfor %}', {}, { limits })).toHaveLength(900);
  });

  it('refuses a range() larger than allowed', () => {
    expect(() => renderTemplate('{{ range(100000000) | length }}', {})).toThrow(/range\(\) of 100000000 elements/);
  });
});

describe('the match filter', () => {
  it('is Python re.match, linear in the text', () => {
    expect(renderTemplate("{{ 'yes' if owner | match('compute') else 'no' }}", { owner: 'compute:nova' })).toBe('yes');
    expect(renderTemplate("{{ 'yes' if owner | match('(a+)+$') else 'no' }}", { owner: `${'a'.repeat(20_000)}b` })).toBe('no');
  });
});
