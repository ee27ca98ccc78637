/**
 * Template YAML parsed entry by entry, each entry's parse kept by its text. Rendered
 * templates of one type differ only where Jinja wrote per-resource text: a port's
 * template has its parameters, outputs and interface alike for every port, and one
 * `instance_ip_<n>` resource per fixed IP with that port's addresses. Parsing the whole
 * text for every job was the heat-worker's largest cost; here only the entries not seen
 * lately are parsed.
 *
 * How: the text is cut before each line that starts a mapping entry at the top level
 * (column 0), and a top-level entry whose value is a block mapping is cut the same way
 * at its children's indentation. Each piece is parsed alone, as its own document, and
 * the mappings are merged in order (a repeated key keeps its first place and takes the
 * last value, as one parse does). A piece is the same text it is in the whole, so it
 * parses to the same values as long as nothing in it needs another piece: a construct
 * cut in two (a quoted or flow scalar running on past a cut) leaves a piece that does not
 * parse, and an alias of an anchor in another piece does not resolve either. Any piece
 * with an error, or text with directives or document markers, is parsed whole instead,
 * so errors always read as the whole text's.
 */
import { parseDocument } from 'yaml';
import { RecentMap } from '@esi/recent-map';
import { HEAT_YAML_OPTIONS, loadYaml } from './yaml-load.js';

/** Where a mapping entry may start: a plain key, then ':' and a space or the line's end. */
const ENTRY = /^[A-Za-z0-9_][A-Za-z0-9_.-]*:(?:[ \t\r\n]|$)/;
/** Nothing but a key, maybe a comment: the value is the block below. */
const BARE_KEY = /^[A-Za-z0-9_][A-Za-z0-9_.-]*:[ \t\r]*(?:#[^\n]*)?\n?$/;
const SKIPPABLE = /^[ \t\r]*(?:#[^\n]*)?\n?$/;
/** Lines with their line ends, so that a piece is exactly its text in the whole. */
const LINES = /(?<=\n)/;
const DOCUMENT_LEVEL = /^(?:---|\.\.\.|%)/m;

type YamlMap = Map<unknown, unknown>;

export class ChunkedYaml {
  private readonly parsed: RecentMap<string, YamlMap>;

  /** @param capacity pieces kept, least recently used dropped first */
  constructor(capacity = 512) {
    this.parsed = new RecentMap(capacity);
  }

  /** As loadYaml (yaml-load.ts), the same values and the same errors. */
  load(text: string): unknown {
    if (DOCUMENT_LEVEL.test(text)) return loadYaml(text);
    const pieces = cutEntries(text.split(LINES), 0);
    if (pieces === undefined || pieces.length < 2) return loadYaml(text);
    const root: YamlMap = new Map();
    for (const piece of pieces) {
      const part = this.parsed.get(piece.join('')) ?? this.parseEntry(piece);
      if (part === undefined) return loadYaml(text);
      for (const [key, value] of part) root.set(key, value);
    }
    return root;
  }

  get size(): number {
    return this.parsed.size;
  }

  /** One top-level entry; a bare key's block mapping is cut into its children. */
  private parseEntry(lines: string[]): YamlMap | undefined {
    const text = lines.join('');
    const children = BARE_KEY.test(lines[0]!) ? cutEntries(lines.slice(1), indentOfFirstContent(lines.slice(1))) : undefined;
    if (children === undefined || children.length < 2) return this.parseAlone(text);
    const head = this.parseAlone(lines[0]!);
    if (head === undefined || head.size !== 1) return undefined;
    const value: YamlMap = new Map();
    for (const child of children) {
      const part = this.parseAlone(child.join(''));
      if (part === undefined) return undefined;
      for (const [key, v] of part) value.set(key, v);
    }
    const entry: YamlMap = new Map([[head.keys().next().value, value]]);
    this.parsed.set(text, entry);
    return entry;
  }

  /** A piece parsed as its own document: its mapping, or undefined when it has an error or is no mapping. */
  private parseAlone(text: string): YamlMap | undefined {
    const kept = this.parsed.get(text);
    if (kept !== undefined) return kept;
    const doc = parseDocument(text, HEAT_YAML_OPTIONS);
    if (doc.errors.length > 0) return undefined;
    let value: unknown;
    try {
      // Throws for an alias it cannot resolve (its anchor may be in another piece).
      value = doc.toJS({ mapAsMap: true, maxAliasCount: 1000 });
    } catch {
      return undefined;
    }
    if (!(value instanceof Map)) return undefined;
    this.parsed.set(text, value);
    return value;
  }
}

/**
 * The lines cut before each entry at `indent`, blank and comment lines before the first
 * entry dropped; undefined when anything else comes before it or sits left of `indent`.
 */
function cutEntries(lines: readonly string[], indent: number): string[][] | undefined {
  const pieces: string[][] = [];
  const margin = ' '.repeat(indent);
  for (const line of lines) {
    const startsEntry = line.startsWith(margin) && line[indent] !== ' ' && ENTRY.test(line.slice(indent));
    if (startsEntry) {
      pieces.push([line]);
      continue;
    }
    if (SKIPPABLE.test(line)) {
      pieces.at(-1)?.push(line);
      continue;
    }
    if (pieces.length === 0 || !line.startsWith(margin)) return undefined;
    pieces.at(-1)!.push(line);
  }
  return pieces;
}

function indentOfFirstContent(lines: readonly string[]): number {
  const first = lines.find((l) => !SKIPPABLE.test(l));
  return first === undefined ? 0 : first.length - first.trimStart().length;
}
