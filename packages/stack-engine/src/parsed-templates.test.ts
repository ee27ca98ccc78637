import { describe, expect, it } from 'vitest';
import { TemplateError } from './errors.js';
import { ParsedTemplates } from './parsed-templates.js';

const text = (n: number) => `heat_template_version: 2018-08-31\nresources:\n  r${n}:\n    type: OS::Heat::None\n`;

describe('ParsedTemplates', () => {
  it('parses a text once and serves the same template for it again', () => {
    const parsed = new ParsedTemplates();
    const first = parsed.parse(text(1));
    expect([...first.resources.keys()]).toEqual(['r1']);
    expect(parsed.parse(text(1))).toBe(first);
    expect(parsed.parse(text(2))).not.toBe(first);
  });

  it('keeps the most recently used texts up to its capacity', () => {
    const parsed = new ParsedTemplates(2);
    const one = parsed.parse(text(1));
    const two = parsed.parse(text(2));
    expect(parsed.parse(text(1))).toBe(one);
    parsed.parse(text(3));
    expect(parsed.size).toBe(2);
    // 2 was the least recently used: evicted, so parsed anew; 1 is still kept.
    expect(parsed.parse(text(1))).toBe(one);
    expect(parsed.parse(text(2))).not.toBe(two);
  });

  it('keeps no failure: a bad text fails each time with the same error', () => {
    const parsed = new ParsedTemplates();
    const bad = 'heat_template_version: 2018-08-31\nresources:\n  r:\n    type: OS::Heat::None\n    depends_on: [missing]\n';
    expect(() => parsed.parse(bad)).toThrow(TemplateError);
    expect(() => parsed.parse(bad)).toThrow(/missing/);
    expect(parsed.size).toBe(0);
  });
});
