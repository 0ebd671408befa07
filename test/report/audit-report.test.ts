/**
 * The audit report answers "since when is this blocked here" for the values an auditor asks about: names
 * (an advisory's C2 domains) come before a feed's thousands of addresses, so the cut at 1000 rows keeps
 * them, and the cut says where the rest is found. Values from the config (tenant names) are escaped.
 */
import { describe, expect, it } from 'vitest';
import type { JournalRecord } from '../../src/apply/journal.js';
import { renderAuditHtml, renderAuditMarkdown, type AuditJson } from '../../src/report/audit-report.js';

const TS = '2026-12-04T14:44:30.000Z';

function applied(target: string, tenant: string, added: Record<string, string[]>): JournalRecord {
  return {
    ts: TS,
    runId: 'r1',
    command: 'sync',
    target,
    tenant,
    vendor: 'opnsense',
    blocklistDigest: 'sha256:00',
    result: 'applied',
    added,
    removed: {},
    rules: [],
  };
}

describe('audit report', () => {
  const tenant = '<img src=x onerror=alert(1)> | Gamma|Corp';
  const audit: AuditJson = {
    generatedAt: TS,
    blocklistDigest: 'sha256:00',
    targets: [{ name: 'fw1', vendor: 'opnsense', tenant, status: 'in-sync', drift: [] }],
  };
  const addresses = Array.from({ length: 1200 }, (_, i) => `23.${i >> 8}.${i & 255}.1`);
  const journal = [applied('fw1', tenant, { iocwall_v4: addresses, iocwall_dns: ['journalide.org'] })];

  it('lists names before addresses and says where the rows it leaves out are', () => {
    const md = renderAuditMarkdown(audit, journal);
    expect(md).toContain(`| journalide.org | ${TS} |`);
    expect(md.indexOf('journalide.org')).toBeLessThan(md.indexOf('| 23.0.0.1 |'));
    expect(md).toMatch(/\| … 201 more \| `iocwall check VALUE --config …` gives any value's date/);
    const html = renderAuditHtml(audit, journal);
    expect(html.indexOf('journalide.org')).toBeLessThan(html.indexOf('23.0.0.1'));
    expect(html).toContain('… 201 more');
  });

  it('escapes a tenant name in headings as in cells', () => {
    const md = renderAuditMarkdown(audit, journal);
    expect(md).not.toContain('<img');
    expect(md).toContain('## &lt;img src=x onerror=alert(1)&gt; \\| Gamma\\|Corp / fw1');
  });
});
