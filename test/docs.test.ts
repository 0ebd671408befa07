/**
 * The front door stays true to the code: the README's vendor table is the one the vendor modules
 * generate, the README stays a front door (under 16 KB), and every page it links to exists.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { VENDOR_MODULES } from '../src/vendors/index.js';
import { withVendorTable } from '../src/vendors/table.js';

const root = new URL('..', import.meta.url);
const readme = readFileSync(new URL('README.md', root), 'utf8');

describe('README.md', () => {
  it('holds the vendor table the modules generate (npm run docs)', () => {
    expect(readme).toBe(withVendorTable(readme));
    for (const m of VENDOR_MODULES) expect(readme).toContain(`| ${m.displayName} | \`${m.id}\` |`);
  });

  it('is a front door: under 16 KB', () => {
    expect(Buffer.byteLength(readme)).toBeLessThan(16 * 1024);
  });

  it('links only to pages that exist, including one page per vendor', () => {
    const links = [...readme.matchAll(/\]\(([^)#]+)\)/g)]
      .map((m) => m[1]!)
      .filter((l) => !/^https?:/.test(l));
    expect(links.length).toBeGreaterThan(5);
    for (const link of links) expect(existsSync(new URL(link, root)), link).toBe(true);
  });
});

describe('docs/', () => {
  it('links only to files that exist, relative to each page', () => {
    const pages = readdirSync(new URL('docs/', root), { recursive: true, encoding: 'utf8' })
      .filter((p) => p.endsWith('.md'))
      .map((p) => new URL(`docs/${p}`, root));
    expect(pages.length).toBeGreaterThan(8);
    const broken: string[] = [];
    for (const page of pages)
      for (const m of readFileSync(page, 'utf8').matchAll(/\]\(([^)#\s]+)[^)]*\)/g)) {
        const link = m[1]!;
        if (!/^[a-z]+:/.test(link) && !existsSync(new URL(link, page)))
          broken.push(`${page.pathname} -> ${link}`);
      }
    expect(broken).toEqual([]);
  });
});
