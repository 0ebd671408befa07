import fc from 'fast-check';
import { getDomain, getPublicSuffix, parse } from 'tldts';
import { describe, expect, it } from 'vitest';
import { isKnownTld, WELL_KNOWN_TLDS } from '../../src/indicators/domain.js';
import { tldts } from '../../src/indicators/tldts-lazy.js';

describe('lazily loaded tldts', () => {
  it('answers exactly as the imported module', () => {
    const names = [
      'example.com',
      'a.b.example.co.uk',
      'evil.github.io',
      'github.io',
      'co.uk',
      'foo.blogspot.com',
      'xn--bcher-kva.de',
      'localhost',
      'x.appspot.com',
    ];
    const opts = { allowPrivateDomains: true };
    for (const name of names) {
      expect(tldts().getDomain(name, opts)).toBe(getDomain(name, opts));
      expect(tldts().getPublicSuffix(name, opts)).toBe(getPublicSuffix(name, opts));
      expect(tldts().parse(name).isIcann).toBe(parse(name).isIcann);
    }
  });
});

describe('isKnownTld', () => {
  it('knows every well-known TLD as an ICANN TLD, as tldts does', () => {
    for (const tld of WELL_KNOWN_TLDS) expect(parse(tld).isIcann, tld).toBe(true);
  });

  it('agrees with tldts for listed, unlisted and made-up TLDs', () => {
    for (const tld of [
      'com',
      'org',
      'xyz',
      'top',
      'online',
      'zip',
      'local',
      'invalid',
      'exe',
      'qqqq',
      'xn--p1ai',
    ]) {
      expect(isKnownTld(tld), tld).toBe(parse(tld).isIcann === true);
    }
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z]{2,6}$/), (tld) => {
        expect(isKnownTld(tld)).toBe(parse(tld).isIcann === true);
      }),
      { numRuns: 500 },
    );
  });
});
