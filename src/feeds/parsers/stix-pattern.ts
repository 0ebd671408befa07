/**
 * A small reader for STIX 2.x patterns: it finds the comparisons (`path = 'value'`,
 * `path IN ('a','b')`) of a pattern such as
 * `[domain-name:value = 'x.example'] OR [file:hashes.'SHA-256' = '…']`. It does not evaluate the
 * pattern: every positive equality is an indicator value; other comparisons are reported.
 */

/** One comparison found in a pattern. */
export interface Comparison {
  /** `domain-name`, `ipv4-addr`, `file`, … */
  objectType: string;
  /** `value`, `hashes.'SHA-256'`, `dst_ref.value`, … */
  property: string;
  /** `=`, `!=`, `IN`, `LIKE`, `MATCHES`, `<`, … (upper case) */
  operator: string;
  negated: boolean;
  /** The string (or number) operands, unescaped. */
  values: string[];
}

type Token = { kind: 'path' | 'string' | 'word' | 'op' | 'punct'; text: string };

const PATH = /^[a-z0-9-]+:(?:[A-Za-z0-9_-]+|'[^']*'|\.|\[\*\]|\[\d+\])+/;
const STRING = /^[a-z]?'((?:[^'\\]|\\.)*)'/;
const WORD = /^[A-Za-z0-9_.+-]+/;
const OP = /^(?:!=|<=|>=|=|<|>)/;

function tokenize(pattern: string): Token[] | undefined {
  const out: Token[] = [];
  let s = pattern;
  while (s.length > 0) {
    const ws = /^\s+/.exec(s);
    if (ws) {
      s = s.slice(ws[0].length);
      continue;
    }
    const c = s[0] ?? '';
    if ('[](),'.includes(c)) {
      out.push({ kind: 'punct', text: c });
      s = s.slice(1);
      continue;
    }
    let m = PATH.exec(s);
    if (m) {
      out.push({ kind: 'path', text: m[0] });
      s = s.slice(m[0].length);
      continue;
    }
    m = STRING.exec(s);
    if (m) {
      out.push({ kind: 'string', text: (m[1] ?? '').replace(/\\(.)/g, '$1') });
      s = s.slice(m[0].length);
      continue;
    }
    m = OP.exec(s);
    if (m) {
      out.push({ kind: 'op', text: m[0] });
      s = s.slice(m[0].length);
      continue;
    }
    m = WORD.exec(s);
    if (m) {
      out.push({ kind: 'word', text: m[0] });
      s = s.slice(m[0].length);
      continue;
    }
    return undefined; // a character no STIX pattern has
  }
  return out;
}

/** The comparisons of `pattern`, or undefined when it cannot be read. */
export function patternComparisons(pattern: string): Comparison[] | undefined {
  const tokens = tokenize(pattern);
  if (!tokens) return undefined;
  const result: Comparison[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const path = tokens[i];
    if (path?.kind !== 'path') continue;
    const colon = path.text.indexOf(':');
    let j = i + 1;
    let negated = false;
    if (tokens[j]?.kind === 'word' && tokens[j]?.text.toUpperCase() === 'NOT') {
      negated = true;
      j++;
    }
    const opTok = tokens[j];
    if (opTok === undefined) return undefined;
    const operator = opTok.text.toUpperCase();
    const values: string[] = [];
    if (operator === 'IN' && tokens[j + 1]?.text === '(') {
      let k = j + 2;
      for (; k < tokens.length && tokens[k]?.text !== ')'; k++) {
        const t = tokens[k];
        if (t && t.kind !== 'punct') values.push(t.text);
      }
      i = k;
    } else {
      const v = tokens[j + 1];
      if (v === undefined || v.kind === 'punct' || v.kind === 'path') return undefined;
      values.push(v.text);
      i = j + 1;
    }
    result.push({
      objectType: path.text.slice(0, colon),
      property: path.text.slice(colon + 1),
      operator,
      negated,
      values,
    });
  }
  return result.length > 0 ? result : undefined;
}
