import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classify } from '../../src/indicators/classify.js';

const dir = new URL('../fixtures/hostile/', import.meta.url);
const lines = readFileSync(new URL('corpus.txt', dir), 'utf8').split('\n').slice(0, -1);
const expected = JSON.parse(readFileSync(new URL('corpus.expected.json', dir), 'utf8')) as {
  case: string;
  reason: 'invalid' | 'not-network' | 'ok';
  value?: string;
}[];

/** Decodes the corpus escapes: \n, \r, \uXXXX and \\. */
function unescape(line: string): string {
  return line.replace(/\\(n|r|\\|u[0-9a-fA-F]{4})/g, (_m, e: string) =>
    e === 'n' ? '\n' : e === 'r' ? '\r' : e === '\\' ? '\\' : String.fromCharCode(parseInt(e.slice(1), 16)),
  );
}

describe('hostile corpus (test/fixtures/hostile)', () => {
  it('has one expectation per line', () => {
    expect(lines).toHaveLength(expected.length);
    expect(lines).toEqual(expected.map((e) => e.case));
  });

  it.each(expected.map((e, i) => [i + 1, e] as const))('line %i: %j', (_line, e) => {
    const value = unescape(e.case);
    let c: ReturnType<typeof classify> | undefined;
    expect(() => (c = classify(value))).not.toThrow();
    if (e.reason === 'ok') {
      expect(c).toMatchObject({ ok: true });
      expect(c?.ok === true && c.indicators.map((i) => i.value)).toEqual([e.value]);
    } else {
      expect(c).toMatchObject({ ok: false, reason: e.reason });
    }
  });
});
