/**
 * A small reader for STIX 2.x patterns: it checks the pattern against the grammar and finds the
 * comparisons (`path = 'value'`, `path IN ('a','b')`, `path != 'v'`, …) of a pattern such as
 * `[domain-name:value = 'x.example'] OR [file:hashes.'SHA-256' = '…']`, each with the `START … STOP`
 * windows that qualify it. It does not evaluate the pattern (AND, OR and FOLLOWEDBY are not kept): the
 * caller decides per operator which comparisons name a value to block (stix.ts). A pattern that breaks
 * the grammar yields nothing (the caller rejects it as `invalid`).
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
  /**
   * The `START t'…' STOP t'…'` qualifiers of the observation expressions around this comparison
   * (innermost first), timestamps as written: the pattern only matches inside every one of them.
   */
  windows: { start: string; stop: string }[];
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

const SET_OPERATORS = new Set(['IN', 'LIKE', 'MATCHES', 'ISSUBSET', 'ISSUPERSET']);
const NUMBER = /^-?\d+(\.\d+)?$/;

/** Thrown inside the reader when the pattern breaks the STIX 2.x grammar; caught in `readPattern`. */
class PatternSyntax extends Error {}

/**
 * A recursive-descent reader of the STIX 2.x pattern grammar (observation expressions joined by AND, OR,
 * FOLLOWEDBY, with qualifiers; comparison expressions joined by AND/OR, with parentheses). It checks the
 * whole pattern, so a broken one (a dangling AND, a missing bracket) is refused instead of read in part.
 */
class Reader {
  private i = 0;
  readonly found: Comparison[] = [];

  constructor(private readonly tokens: Token[]) {}

  private peek(): Token | undefined {
    return this.tokens[this.i];
  }

  private isWord(word: string): boolean {
    const t = this.peek();
    return t?.kind === 'word' && t.text.toUpperCase() === word;
  }

  private isPunct(c: string): boolean {
    const t = this.peek();
    return t?.kind === 'punct' && t.text === c;
  }

  private expect(ok: boolean, what: string): Token {
    const t = this.peek();
    if (!ok || t === undefined)
      throw new PatternSyntax(`expected ${what} ${t ? `at "${t.text}"` : 'at the end'}`);
    this.i++;
    return t;
  }

  /** The whole pattern: one observation expression and nothing after it. */
  pattern(): void {
    this.observation();
    if (this.peek() !== undefined) this.expect(false, 'AND, OR or FOLLOWEDBY');
  }

  private observation(): void {
    this.observationTerm();
    while (this.isWord('AND') || this.isWord('OR') || this.isWord('FOLLOWEDBY')) {
      this.i++;
      this.observationTerm();
    }
  }

  private observationTerm(): void {
    // The comparisons of this term are the ones found from here on: a qualifier after it applies to them.
    const first = this.found.length;
    if (this.isPunct('[')) {
      this.i++;
      this.comparisons();
      this.expect(this.isPunct(']'), '"]"');
    } else {
      this.expect(this.isPunct('('), '"[" or "("');
      this.observation();
      this.expect(this.isPunct(')'), '")"');
    }
    for (;;) {
      if (this.isWord('WITHIN')) {
        this.i++;
        this.expect(NUMBER.test(this.peek()?.text ?? ''), 'a number');
        this.expect(this.isWord('SECONDS'), 'SECONDS');
      } else if (this.isWord('REPEATS')) {
        this.i++;
        this.expect(NUMBER.test(this.peek()?.text ?? ''), 'a number');
        this.expect(this.isWord('TIMES'), 'TIMES');
      } else if (this.isWord('START')) {
        this.i++;
        const start = this.expect(this.peek()?.kind === 'string', 'a timestamp').text;
        this.expect(this.isWord('STOP'), 'STOP');
        const stop = this.expect(this.peek()?.kind === 'string', 'a timestamp').text;
        for (const c of this.found.slice(first)) c.windows.push({ start, stop });
      } else return;
    }
  }

  private comparisons(): void {
    this.comparisonTerm();
    while (this.isWord('AND') || this.isWord('OR')) {
      this.i++;
      this.comparisonTerm();
    }
  }

  private comparisonTerm(): void {
    if (this.isPunct('(')) {
      this.i++;
      this.comparisons();
      this.expect(this.isPunct(')'), '")"');
    } else if (this.isWord('EXISTS')) {
      this.i++;
      this.expect(this.peek()?.kind === 'path', 'an object path');
    } else this.comparison();
  }

  private comparison(): void {
    const path = this.expect(this.peek()?.kind === 'path', 'an object path').text;
    const negated = this.isWord('NOT');
    if (negated) this.i++;
    const t = this.peek();
    const isSetOp = t?.kind === 'word' && SET_OPERATORS.has(t.text.toUpperCase());
    const operator = this.expect(t?.kind === 'op' || isSetOp, 'a comparison operator').text.toUpperCase();
    const values: string[] = [];
    if (operator === 'IN') {
      this.expect(this.isPunct('('), '"("');
      values.push(this.value());
      while (this.isPunct(',')) {
        this.i++;
        values.push(this.value());
      }
      this.expect(this.isPunct(')'), '")"');
    } else values.push(this.value());
    const colon = path.indexOf(':');
    this.found.push({
      objectType: path.slice(0, colon),
      property: path.slice(colon + 1),
      operator,
      negated,
      values,
      windows: [],
    });
  }

  private value(): string {
    const t = this.peek();
    const ok = t?.kind === 'string' || (t?.kind === 'word' && /^(-?\d+(\.\d+)?|true|false)$/i.test(t.text));
    return this.expect(ok, 'a value').text;
  }
}

/** The comparisons of `pattern`, or why it is not a STIX 2.x pattern. */
export function readPattern(pattern: string): { comparisons: Comparison[] } | { error: string } {
  const tokens = tokenize(pattern);
  if (!tokens) return { error: 'a character no STIX pattern has' };
  const reader = new Reader(tokens);
  try {
    reader.pattern();
  } catch (err) {
    if (err instanceof PatternSyntax) return { error: err.message };
    throw err;
  }
  return { comparisons: reader.found };
}

/** The comparisons of `pattern`, or undefined when it is not a well-formed STIX 2.x pattern. */
export function patternComparisons(pattern: string): Comparison[] | undefined {
  const read = readPattern(pattern);
  return 'comparisons' in read ? read.comparisons : undefined;
}
