/**
 * Parsed templates by their text, the last few kept. Parsing a rendered template (YAML,
 * then every section checked) is the heat-worker's largest cost per job, about a
 * millisecond for a few kilobytes, and many jobs send the same text: a template without
 * per-resource Jinja renders alike for every resource of its type, whose own values travel
 * as stack parameters. A HotTemplate is never changed after parsing (the engine copies
 * what it extends), so one parse serves every stack made from the same text. A text that
 * fails to parse is not kept: it fails again, with the same error, each time.
 */
import { RecentMap } from '@esi/recent-map';
import { parseTemplate, type HotTemplate } from './hot-parser.js';
import { ChunkedYaml } from './yaml-chunks.js';

export class ParsedTemplates {
  private readonly byText: RecentMap<string, HotTemplate>;
  /** Texts not seen lately still share most of their YAML with those that were. */
  private readonly pieces = new ChunkedYaml();

  constructor(capacity = 32) {
    this.byText = new RecentMap(capacity);
  }

  parse(text: string): HotTemplate {
    const kept = this.byText.get(text);
    if (kept) return kept;
    const parsed = parseTemplate(text, (t) => this.pieces.load(t));
    this.byText.set(text, parsed);
    return parsed;
  }

  get size(): number {
    return this.byText.size;
  }
}
