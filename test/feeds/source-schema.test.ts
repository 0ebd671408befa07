import { describe, expect, it } from 'vitest';
import { sourceSchema } from '../../src/feeds/source-schema.js';

describe('src/feeds/source-schema', () => {
  it('applies the defaults', () => {
    expect(
      sourceSchema.parse({ name: 'feodo', url: 'https://feodotracker.abuse.ch/downloads/ipblocklist.csv' }),
    ).toEqual({
      name: 'feodo',
      url: 'https://feodotracker.abuse.ch/downloads/ipblocklist.csv',
      format: 'auto',
      timeoutMs: 30000,
      maxBytes: 256 * 1024 * 1024,
      maxShrink: 0.5,
      retries: 3,
      mispToIdsOnly: true,
    });
  });

  it.each([
    [{ name: 'a' }, 'exactly one of'],
    [{ name: 'a', url: 'http://x.example/', file: 'x' }, 'exactly one of'],
    [{ name: 'a', url: 'data:text/plain,1.2.3.4' }, 'http:// or https://'],
    [{ name: 'a', url: 'ftp://x.example/' }, 'http:// or https://'],
    [{ name: '-bad', file: 'x' }, 'letters, digits'],
    [{ name: 'a', file: 'x', format: 'xml' }, 'Invalid option'],
    [{ name: 'a', file: 'x', maxShrink: 1.5 }, 'Too big'],
    [{ name: 'a', file: 'x', retries: 11 }, 'Too big'],
    [{ name: 'a', file: 'x', extra: true }, 'Unrecognized key'],
  ])('rejects %j', (input, message) => {
    const r = sourceSchema.safeParse(input);
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.message).join('|')).toContain(message);
  });

  it('accepts every format id and secret-reference headers', () => {
    const s = sourceSchema.parse({
      name: 'tf',
      file: '-',
      format: 'spamhaus-json',
      headers: { 'Auth-Key': 'env:TF_KEY' },
    });
    expect(s.format).toBe('spamhaus-json');
    expect(s.headers).toEqual({ 'Auth-Key': 'env:TF_KEY' });
  });
});
