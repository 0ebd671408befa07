/**
 * The README's vendor table, generated from the vendor modules so the front door never disagrees with
 * the code (`npm run docs` rewrites it; a test fails when it is stale).
 */
import { VENDOR_MODULES } from './index.js';

/** Markers around the generated table in README.md. */
export const VENDOR_TABLE_MARKERS = ['<!-- vendors:begin -->', '<!-- vendors:end -->'] as const;

/** One Markdown row per vendor: name, API, endpoint schemes, releases the simulator plays, docs page. */
export function vendorTableMarkdown(): string {
  const rows = VENDOR_MODULES.map((m) => {
    const releases = m.lab.firmware.map((r) => r.releases).join(', ');
    const schemes = m.endpoint.schemes.map((s) => `\`${s}://\``).join(' ');
    const caps = [
      m.capabilities.ipv6 ? 'IPv6' : '',
      m.capabilities.dnsSubdomainBlock ? 'DNS + subdomains' : '',
    ]
      .filter(Boolean)
      .join(', ');
    return `| ${m.displayName} | \`${m.id}\` | ${m.api} | ${schemes} | ${releases} | ${caps} | [docs/vendors/${m.id}.md](docs/vendors/${m.id}.md) |`;
  });
  return [
    '| vendor | `vendor:` | API | endpoint | releases played by the lab | blocks | page |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

/** `text` with the part between the markers replaced by the current table. */
export function withVendorTable(text: string): string {
  const [begin, end] = VENDOR_TABLE_MARKERS;
  const a = text.indexOf(begin);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error('README.md has no vendor table markers');
  return `${text.slice(0, a + begin.length)}\n${vendorTableMarkdown()}\n${text.slice(b)}`;
}
