/**
 * XML of the SFOS API, both directions, in one place: the request builder (every value escaped by
 * fast-xml-parser's builder) and the parser (no entity expansion, no value coercion). Used by the client
 * and by the simulator, so both read the wire the same way.
 *
 * Why not let the parser expand entities: a `<!DOCTYPE>` with entity declarations is the classic
 * expansion attack; with `processEntities: false` nothing is expanded, and only the five predefined XML
 * entities and numeric character references are decoded here (they are plain escaping, not expansion).
 * Why no coercion: `0123`, `1e3` and `true` are names and values on SFOS, never numbers or booleans.
 */
import XMLBuilder from 'fast-xml-builder';
import { XMLParser } from 'fast-xml-parser';

/** A parsed element: text in `#text`, attributes as `@_name`, children by tag (repeated ones as arrays). */
export type XmlNode = { [key: string]: XmlValue };
/** A parsed value: text, an element, or a list of either. */
export type XmlValue = string | XmlNode | XmlValue[];

/**
 * Tags that may repeat inside their parent and are therefore always arrays, whatever their count: the
 * entity records of a Get (one element per record, SFOS answer §6.1), list members, and `Status` (a
 * multi-name Remove answers one per object, sophos-facts.md §2.3).
 */
export const REPEATED_TAGS = new Set([
  'IPHost',
  'IPHostGroup',
  'FQDNHost',
  'FQDNHostGroup',
  'FirewallRule',
  'FirewallRuleGroup',
  'Host',
  'HostGroup',
  'FQDNHostGroup',
  'Zone',
  'Network',
  'Service',
  'SecurityPolicy',
  'Name',
  'Status',
]);

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Decodes the predefined entities and numeric references; any other `&name;` stays literal text. */
export function decodeText(raw: string): string {
  return raw.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, ref: string) => {
    if (ref.startsWith('#x')) return safeCodePoint(Number.parseInt(ref.slice(2), 16), whole);
    if (ref.startsWith('#')) return safeCodePoint(Number.parseInt(ref.slice(1), 10), whole);
    return PREDEFINED[ref] ?? whole;
  });
}

function safeCodePoint(n: number, whole: string): string {
  return Number.isInteger(n) && n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : whole;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  processEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  trimValues: true,
  isArray: (tagName, _path, _leaf, isAttribute) => !isAttribute && REPEATED_TAGS.has(tagName),
  tagValueProcessor: (_tag, value) => decodeText(value),
  attributeValueProcessor: (_name, value) => decodeText(value),
});

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  // Escapes &, <, >, " and ' in every text and attribute value.
  processEntities: true,
  suppressEmptyNode: false,
});

/** Parses an XML document; throws `Error` on text that is not XML (callers map it). */
export function parseXml(text: string): XmlNode {
  if (!wellFormed(text)) throw new Error('not well-formed XML');
  const doc: unknown = parser.parse(text);
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new Error('not an XML document');
  return doc as XmlNode;
}

/**
 * Tag balance, the part of well-formedness the lenient parser does not check (a body cut short at a raw
 * `&` must be refused, not read as a shorter request: sophos-facts.md §1.2). A DOCTYPE is refused
 * outright: neither SFOS nor iocwall sends one, and it is the door to entity expansion.
 */
export function wellFormed(text: string): boolean {
  const body = text.replace(/<\?[\s\S]*?\?>/g, '').replace(/<!--[\s\S]*?-->/g, '');
  if (/<!/.test(body)) return false;
  const stack: string[] = [];
  let roots = 0;
  const tag = /<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[\w.:-]+\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>|</g;
  for (let m = tag.exec(body); m !== null; m = tag.exec(body)) {
    const [, close, name, , selfClose] = m;
    if (name === undefined) return false; // a `<` that starts no tag
    if (close === '/') {
      if (stack.pop() !== name) return false;
    } else if (selfClose !== '/') {
      if (stack.length === 0) roots++;
      stack.push(name);
    } else if (stack.length === 0) roots++;
  }
  return stack.length === 0 && roots === 1;
}

/** Serialises a node tree; every text and attribute value is escaped. */
export function buildXml(node: XmlNode): string {
  return builder.build(node);
}

/** The element children of a node under `tag` as a list (absent → empty). */
export function children(node: XmlNode | undefined, tag: string): XmlNode[] {
  const v = node?.[tag];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map((x) => (typeof x === 'string' ? { '#text': x } : (x as XmlNode)));
}

/** Text of a child element (`''` for an empty element, undefined when absent). */
export function text(node: XmlNode | undefined, tag: string): string | undefined {
  const v = node?.[tag];
  const first = Array.isArray(v) ? v[0] : v;
  if (first === undefined) return undefined;
  if (typeof first === 'string') return first;
  const t = (first as XmlNode)['#text'];
  return typeof t === 'string' ? t : '';
}

/** Texts of the repeated `item` children of `node[list]` (`<HostList><Host>a</Host>…`). */
export function listOf(node: XmlNode | undefined, list: string, item: string): string[] {
  const holder = children(node, list)[0];
  return children(holder, item).map((c) => (typeof c['#text'] === 'string' ? c['#text'] : ''));
}
