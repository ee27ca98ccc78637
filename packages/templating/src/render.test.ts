import { describe, expect, it } from 'vitest';
import { TemplateRenderError } from './errors.js';
import { renderTemplate } from './render.js';

describe('renderTemplate', () => {
  it('expands loops and variables like Jinja2', () => {
    const out = renderTemplate('{% for device in ["primary", "secondary"] %}\n  netconf_{{ device }}: {{ x }}\n{% endfor %}', { x: 1 });
    expect(out).toBe('\n  netconf_primary: 1\n\n  netconf_secondary: 1\n');
  });

  it('renders an undefined variable (and an attribute of one) as empty text', () => {
    expect(renderTemplate('a={{ missing }};b={{ missing.attr }}', {})).toBe('a=;b=');
  });

  it('does not escape HTML-significant characters', () => {
    expect(renderTemplate('name: {{ v }}', { v: '<*> & "x"' })).toBe('name: <*> & "x"');
  });

  it('supports the expressions the G1 catalog uses', () => {
    const template = [
      "{% set split = jinja_ip.split('/') %}{{ split[0] }}",
      "{% for ip in jinja_fixed_ips %}{% set id = 'instance_ip_' + (loop.index0|string) %}{{ id }}={{ jinja_subnets[loop.index0] }} {% endfor %}",
      '{% set f = a if t == "besteffort" else b %}{{ f }}',
      '{% if jinja_type == "besteffort" %}two-rate{% else %}single-rate{% endif %}',
    ].join('|');
    const out = renderTemplate(template, {
      jinja_ip: '10.0.0.1/30',
      jinja_fixed_ips: [{ ip_address: '10.0.0.5' }, { ip_address: '10.0.0.6' }],
      jinja_subnets: ['s1', 's2'],
      jinja_type: 'guaranteed',
      t: 'besteffort',
      a: 'BE',
      b: 'GA',
    });
    expect(out).toBe('10.0.0.1|instance_ip_0=s1 instance_ip_1=s2 |BE|single-rate');
  });

  it('drops one trailing newline and normalises CRLF, as Jinja2 does by default', () => {
    expect(renderTemplate('a\r\nb\n', {})).toBe('a\nb');
    expect(renderTemplate('a\n\n', {})).toBe('a\n');
  });

  it('reports template errors as a non-retryable TemplateRenderError', () => {
    let caught: unknown;
    try {
      renderTemplate('{% for x in %}', {});
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(TemplateRenderError);
    expect((caught as TemplateRenderError).retryable).toBe(false);
    expect((caught as TemplateRenderError).name).toBe('TemplateRenderError');
    expect((caught as TemplateRenderError).cause).toBeDefined();
  });
});

describe('the match filter of the original', () => {
  it('matches at the start, like Python re.match', async () => {
    const { renderTemplate } = await import('./render.js');
    expect(renderTemplate("{% if owner | match('compute') %}yes{% else %}no{% endif %}", { owner: 'compute:nova' })).toBe('yes');
    expect(renderTemplate("{% if owner | match('compute') %}yes{% else %}no{% endif %}", { owner: 'network:compute' })).toBe('no');
    expect(renderTemplate("{% if owner | match('compute') %}yes{% else %}no{% endif %}", {})).toBe('no');
  });
});
