import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  decodeLength,
  encodeLength,
  encodeSentence,
  parseSentence,
  RouterOsProtocolError,
  SentenceDecoder,
} from '../../../src/vendors/mikrotik/protocol.js';

const vectors = readFileSync(
  new URL('../../fixtures/vendors/mikrotik/word_length_vectors.tsv', import.meta.url),
  'utf8',
)
  .split('\n')
  .filter((l) => l !== '' && !l.startsWith('#') && !l.startsWith('length_dec'))
  .map((l) => l.split('\t'));
const lengthVectors = vectors.filter((v) => /^\d+$/.test(v[0]!));
const sentence = (name: string): Buffer => Buffer.from(vectors.find((v) => v[0] === name)![3]!, 'hex');

describe('word length prefix', () => {
  it('covers all five prefix sizes in the vectors', () => {
    expect(new Set(lengthVectors.map((v) => v[2]))).toEqual(new Set(['1', '2', '3', '4', '5']));
  });

  it.each(lengthVectors)('encodes and decodes %s', (dec, _hex, size, encoded) => {
    const bytes = encodeLength(Number(dec));
    expect(bytes.toString('hex')).toBe(encoded);
    expect(decodeLength(Buffer.from(encoded, 'hex'))).toEqual({ length: Number(dec), size: Number(size) });
    expect(decodeLength(Buffer.from(encoded, 'hex').subarray(0, Number(size) - 1))).toBeUndefined();
  });

  it('rejects a reserved control byte and malformed 5-byte prefixes', () => {
    expect(() => decodeLength(Buffer.from([0xf8]))).toThrow(RouterOsProtocolError);
    expect(() => decodeLength(Buffer.from([0xff, 0, 0, 0, 0]))).toThrow(/reserved/);
    expect(() => decodeLength(Buffer.from([0xf3, 0, 0, 0, 0]))).toThrow(/malformed/);
    expect(() => new SentenceDecoder().push(Buffer.from([0x05, 0x21, 0x64, 0x6f, 0x6e, 0x65, 0xf9]))).toThrow(
      RouterOsProtocolError,
    );
  });
});

describe('sentences', () => {
  it('encodes the manual login sentence byte for byte', () => {
    expect(encodeSentence(['/login', '=name=admin', '=password='])).toEqual(sentence('sentence'));
  });

  it('decodes the !done reply vector', () => {
    expect(new SentenceDecoder().push(sentence('sentence_reply_done'))).toEqual([['!done']]);
  });

  it('decodes with 1-byte chunks, a word split across chunks and long words', () => {
    const long = 'x'.repeat(20_000); // 3-byte prefix
    const wire = Buffer.concat([
      encodeSentence(['!re', `=comment=${long}`, '.tag=7']),
      encodeSentence(['!done', '.tag=7']),
    ]);
    const d = new SentenceDecoder();
    const out: string[][] = [];
    for (const b of wire) out.push(...d.push(Buffer.from([b])));
    expect(out).toEqual([
      ['!re', `=comment=${long}`, '.tag=7'],
      ['!done', '.tag=7'],
    ]);
  });

  it('decodes many sentences in one chunk and skips empty sentences', () => {
    const wire = Buffer.concat([
      encodeSentence(['!re', '=a=1']),
      Buffer.from([0]),
      encodeSentence(['!done']),
    ]);
    expect(new SentenceDecoder().push(wire)).toEqual([['!re', '=a=1'], ['!done']]);
  });

  it('keeps non-ASCII, newlines and = inside values byte-safe', () => {
    const value = 'Blöcklist – ünïcode ✓\nline 2 =x= y';
    const [s] = new SentenceDecoder().push(encodeSentence(['!re', `=comment=${value}`]));
    expect(parseSentence(s!).attributes.comment).toBe(value);
  });

  it('falls back to windows-1252 for bytes that are not UTF-8 (WinBox comments)', () => {
    const wire = Buffer.concat([
      Buffer.from([0x0a]),
      Buffer.from('=comment='),
      Buffer.from([0x80]),
      Buffer.from([0]),
    ]);
    expect(new SentenceDecoder().push(wire)).toEqual([['=comment=€']]);
  });

  it('refuses words that would end the sentence early or be truncated on the device', () => {
    expect(() => encodeSentence(['/ip/address/print', ''])).toThrow(/empty word/);
    expect(() => encodeSentence(['/x', '=comment=a\0b'])).toThrow(/NUL/);
  });

  it('splits attributes at the second =, so values may contain =', () => {
    expect(parseSentence(['!re', '=comment=a=b', '=empty=', '.tag=3', 'bare'])).toEqual({
      head: '!re',
      attributes: { comment: 'a=b', empty: '' },
      queries: [],
      tag: '3',
      other: ['bare'],
    });
  });
});
