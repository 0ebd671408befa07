import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createGuard, DEFAULT_GUARD_OPTIONS, type GuardOptions } from '../../../src/blocklist/guard/guard.js';
import { defaultWarninglistDir, loadNameWarninglists } from '../../../src/blocklist/guard/warninglists.js';
import { classify } from '../../../src/indicators/classify.js';
import type { NetworkIndicator } from '../../../src/indicators/types.js';

function ind(raw: string): NetworkIndicator {
  const c = classify(raw);
  if (!c.ok) throw new Error(`test value ${raw} does not classify`);
  return c.indicators[0]!;
}

const make = (o: Partial<GuardOptions> = {}) => createGuard({ ...DEFAULT_GUARD_OPTIONS, ...o });
const g = make();

describe('warninglists: location and loading', () => {
  it('finds the shipped folder beside package.json, from src/ and from dist/src/', () => {
    const root = fileURLToPath(new URL('../../../', import.meta.url));
    const expected = join(root, 'iocs', 'warninglists');
    expect(defaultWarninglistDir()).toBe(expected);
    expect(defaultWarninglistDir(join(root, 'src', 'blocklist'))).toBe(expected);
    expect(defaultWarninglistDir(join(root, 'dist', 'src', 'blocklist'))).toBe(expected);
  });

  it('caches the compiled lists', () => {
    expect(loadNameWarninglists()).toBe(loadNameWarninglists());
  });
});

describe('warninglists: infrastructure addresses (exact address or containing network)', () => {
  it.each([
    ['8.8.8.8', 'public-dns-v4'],
    ['1.1.1.1', 'public-dns-v4'],
    ['2001:4860:4860::8888', 'public-dns-v6'],
    ['143.215.130.7', 'sinkholes'], // inside a listed sinkhole network
  ])('%s → %s', (raw, list) => {
    expect(g.check(ind(raw))).toEqual({ reason: 'warninglisted', detail: list });
  });

  it('refuses a network holding one as a whole, with the listed address to carve out of it', () => {
    expect(g.check(ind('8.8.8.0/24'))).toEqual({
      reason: 'warninglisted',
      detail: 'public-dns-v4',
      carve: [
        { value: '8.8.8.8', reason: 'warninglisted', detail: 'public-dns-v4; carved out of 8.8.8.0/24' },
      ],
    });
  });

  it('does not protect a neighbour of a listed address', () => {
    expect(g.check(ind('8.8.8.7'))).toBeNull();
  });
});

describe('warninglists: CDN/platform ranges', () => {
  it('refuses any network overlapping one', () => {
    expect(g.check(ind('104.16.0.0/16'))).toEqual({ reason: 'warninglisted', detail: 'cloudflare' });
    expect(g.check(ind('104.16.0.0/12'))).toMatchObject({ reason: 'warninglisted' });
    expect(g.check(ind('2606:4700::/48'))).toEqual({ reason: 'warninglisted', detail: 'cloudflare' });
  });

  it('refuses or warns on a single shared address by policy', () => {
    expect(g.check(ind('104.16.1.1'))).toEqual({ reason: 'warninglisted', detail: 'cloudflare' });
    expect(g.sharedHost(ind('104.16.1.1'))).toBeNull();
    const warn = make({ sharedHostPolicy: 'warn' });
    expect(warn.check(ind('104.16.1.1'))).toBeNull();
    expect(warn.sharedHost(ind('104.16.1.1'))).toBe('cloudflare');
    expect(warn.check(ind('104.16.0.0/24'))).toEqual({ reason: 'warninglisted', detail: 'cloudflare' });
  });
});

describe('warninglists: top names (name and subdomains)', () => {
  it.each([
    ['google.com', 'tranco10k'],
    ['mail.google.com', 'tranco10k'],
    ['a.b.mail.google.com', 'tranco10k'],
    ['www.google.de', 'google'],
    ['bit.ly', 'lots-project'],
  ])('%s → %s', (raw, list) => {
    expect(g.check(ind(raw))).toEqual({ reason: 'warninglisted', detail: list });
  });

  it('matches names exactly, never by substring', () => {
    expect(g.check(ind('google.com.evil.net'))).toBeNull();
    expect(g.check(ind('notgoogle.com'))).toBeNull();
  });
});

describe('warninglists: platforms whose subdomains belong to users', () => {
  it.each([
    ['github.com', 'lots-project'],
    ['www.github.com', 'lots-project'],
    ['raw.githubusercontent.com', 'lots-project'],
    ['docs.google.com', 'lots-project'],
  ])('%s → %s', (raw, list) => {
    expect(g.check(ind(raw))).toEqual({ reason: 'warninglisted', detail: list });
  });

  it('leading-dot entries protect only the platform name', () => {
    expect(g.check(ind('evil.github.io'))).toBeNull();
    expect(g.check(ind('docsend.linkpc.net'))).toBeNull();
    expect(g.check(ind('my-c2.duckdns.org'))).toBeNull();
    expect(g.check(ind('evil.herokuapp.com'))).toBeNull();
  });

  it('refuses a parent whose subdomain block would cover a protected name', () => {
    const v = g.check(ind('core.windows.net'));
    expect(v?.reason).toBe('warninglisted');
  });
});

describe('warninglists: off', () => {
  it('turns every list off but keeps the built-in guards', () => {
    const off = make({ warninglists: false });
    expect(off.check(ind('github.com'))).toBeNull();
    expect(off.check(ind('8.8.8.8'))).toBeNull();
    expect(off.check(ind('com'))).toMatchObject({ reason: 'public-suffix' });
    expect(off.check(ind('10.0.0.1'))).toMatchObject({ reason: 'guarded' });
  });
});
