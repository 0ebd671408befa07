/**
 * Audit results: the `--json` shape of CONTRACT.md and human reports (Markdown, HTML) per tenant and
 * target, with the blocklist digest and, from the journal, when each indicator was first pushed there.
 */
import { isIP } from 'node:net';
import { extname } from 'node:path';
import type { TargetOutcome } from '../apply/engine.js';
import { firstPushed, type JournalRecord } from '../apply/journal.js';
import { ConfigError } from '../errors.js';
import type { DriftFinding } from '../plan/types.js';
import { writeFileAtomic } from '../util/atomic.js';

/** One target in the audit JSON. */
export interface AuditTarget {
  name: string;
  vendor: string;
  tenant: string;
  status: 'in-sync' | 'drift' | 'error';
  drift: DriftFinding[];
  /** Values iocwall manages there now, per the device. */
  managedEntries?: number;
  /**
   * What the device cannot enforce even when in sync (no IPv6, no subdomain blocking, too little room):
   * an in-sync target with warnings does not block everything the blocklist holds.
   */
  warnings?: string[];
  error?: string;
}

/** The audit JSON (`audit --json`). */
export interface AuditJson {
  generatedAt: string;
  blocklistDigest: string;
  targets: AuditTarget[];
}

/** Builds the audit JSON from the engine's outcomes. */
export function auditJson(outcomes: readonly TargetOutcome[], blocklistDigest: string, now: Date): AuditJson {
  return {
    generatedAt: now.toISOString(),
    blocklistDigest,
    targets: outcomes.map((o) => ({
      name: o.target,
      vendor: o.vendor,
      tenant: o.tenant,
      status: o.status === 'drift' ? 'drift' : o.status === 'in-sync' ? 'in-sync' : 'error',
      drift: o.plan?.drift ?? [],
      ...(o.plan ? { managedEntries: o.plan.summary.managed } : {}),
      ...(o.plan && o.plan.warnings.length > 0 ? { warnings: o.plan.warnings } : {}),
      ...(o.error ? { error: o.error } : {}),
    })),
  };
}

const MAX_ROWS = 1000;

/** Where the rows a report leaves out are found. */
const MORE_ROWS_HINT = "`iocwall check VALUE --config …` gives any value's date on every target";

/**
 * The "blocked here since" rows in the order an auditor reads them: names first (an advisory's C2 domains,
 * a few dozen, ahead of a feed's thousands of addresses, so the cut at {@link MAX_ROWS} keeps them), then
 * addresses; each group by value.
 */
function sinceRows(since: ReadonlyMap<string, string>): [string, string][] {
  const isAddress = (v: string): boolean => isIP(v.split('/')[0] ?? '') !== 0;
  return [...since.entries()].sort(
    ([a], [b]) => Number(isAddress(a)) - Number(isAddress(b)) || a.localeCompare(b),
  );
}

/** Markdown report. */
export function renderAuditMarkdown(audit: AuditJson, journal: readonly JournalRecord[]): string {
  const pushed = firstPushed(journal);
  const out = [
    '# iocwall audit',
    '',
    `Generated ${audit.generatedAt}. Blocklist digest \`${audit.blocklistDigest}\`.`,
    '',
    '| tenant | target | vendor | status | findings |',
    '|---|---|---|---|---|',
  ];
  const sorted = [...audit.targets].sort(
    (a, b) => a.tenant.localeCompare(b.tenant) || a.name.localeCompare(b.name),
  );
  for (const t of sorted)
    out.push(
      `| ${escapeCell(t.tenant)} | ${escapeCell(t.name)} | ${t.vendor} | ${t.status} | ${t.error ? escapeCell(t.error) : t.drift.length} |`,
    );
  for (const t of sorted) {
    out.push('', `## ${escapeCell(`${t.tenant} / ${t.name}`)}`, '');
    out.push(
      t.status === 'in-sync'
        ? 'In sync with the blocklist.'
        : t.status === 'error'
          ? `Could not be audited: ${t.error ?? ''}`
          : `${t.drift.length} drift findings:`,
    );
    for (const w of t.warnings ?? []) out.push('', `**Not enforced here:** ${escapeCell(w)}`);
    if (t.drift.length > 0) {
      out.push('', '| kind | object | value | detail |', '|---|---|---|---|');
      for (const d of t.drift.slice(0, MAX_ROWS))
        out.push(
          `| ${d.kind} | ${escapeCell(d.object)} | ${escapeCell(d.value ?? '')} | ${escapeCell(d.detail)} |`,
        );
      if (t.drift.length > MAX_ROWS) out.push(`| … | | | ${t.drift.length - MAX_ROWS} more |`);
    }
    const since = pushed.get(t.name);
    if (since && since.size > 0) {
      out.push('', 'Blocked here since (from the journal):', '', '| indicator | first pushed |', '|---|---|');
      const rows = sinceRows(since);
      for (const [value, ts] of rows.slice(0, MAX_ROWS)) out.push(`| ${escapeCell(value)} | ${ts} |`);
      if (rows.length > MAX_ROWS) out.push(`| … ${rows.length - MAX_ROWS} more | ${MORE_ROWS_HINT} |`);
    }
  }
  return `${out.join('\n')}\n`;
}

/** A Markdown table cell: pipes escaped, line breaks folded, and HTML-ish characters neutralised for renderers that allow inline HTML. */
function escapeCell(text: string): string {
  return text
    .replace(/\|/g, '\\|')
    .replace(/[\r\n]+/g, ' ')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** HTML report (self-contained, no scripts; every value escaped). */
export function renderAuditHtml(audit: AuditJson, journal: readonly JournalRecord[]): string {
  const pushed = firstPushed(journal);
  const rows = (cells: string[]): string =>
    `<tr>${cells.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`;
  const parts = [
    '<!doctype html><html><head><meta charset="utf-8"><title>iocwall audit</title>',
    '<style>body{font-family:sans-serif}table{border-collapse:collapse}td,th{border:1px solid #999;padding:2px 6px}.drift{color:#a00}.in-sync{color:#070}.error{color:#a50}</style></head><body>',
    `<h1>iocwall audit</h1><p>Generated ${escapeHtml(audit.generatedAt)}. Blocklist digest <code>${escapeHtml(audit.blocklistDigest)}</code>.</p>`,
    '<table><tr><th>tenant</th><th>target</th><th>vendor</th><th>status</th><th>findings</th></tr>',
  ];
  for (const t of audit.targets) {
    parts.push(
      `<tr><td>${escapeHtml(t.tenant)}</td><td>${escapeHtml(t.name)}</td><td>${escapeHtml(t.vendor)}</td><td class="${t.status}">${t.status}</td><td>${escapeHtml(t.error ?? String(t.drift.length))}</td></tr>`,
    );
  }
  parts.push('</table>');
  for (const t of audit.targets) {
    parts.push(`<h2>${escapeHtml(`${t.tenant} / ${t.name}`)}</h2>`);
    for (const w of t.warnings ?? [])
      parts.push(`<p class="error"><b>Not enforced here:</b> ${escapeHtml(w)}</p>`);
    if (t.drift.length > 0) {
      parts.push('<table><tr><th>kind</th><th>object</th><th>value</th><th>detail</th></tr>');
      for (const d of t.drift.slice(0, MAX_ROWS))
        parts.push(rows([d.kind, d.object, d.value ?? '', d.detail]));
      parts.push('</table>');
    } else
      parts.push(
        `<p>${t.status === 'error' ? `Could not be audited: ${escapeHtml(t.error ?? '')}` : 'In sync with the blocklist.'}</p>`,
      );
    const since = pushed.get(t.name);
    if (since && since.size > 0) {
      parts.push('<h3>Blocked here since</h3><table><tr><th>indicator</th><th>first pushed</th></tr>');
      const all = sinceRows(since);
      for (const [value, ts] of all.slice(0, MAX_ROWS)) parts.push(rows([value, ts]));
      if (all.length > MAX_ROWS) parts.push(rows([`… ${all.length - MAX_ROWS} more`, MORE_ROWS_HINT]));
      parts.push('</table>');
    }
  }
  parts.push('</body></html>');
  return `${parts.join('\n')}\n`;
}

/** The report format a file name asks for; ConfigError for anything else (checked before any device is read). */
export function reportFormatOf(path: string): 'markdown' | 'html' {
  const ext = extname(path).toLowerCase();
  if (ext === '.md' || ext === '.markdown') return 'markdown';
  if (ext === '.html' || ext === '.htm') return 'html';
  throw new ConfigError(`--report ${path}: use a .md or .html file name`);
}

/** Writes the report in the format the file extension names (.md or .html). */
export function writeAuditReport(path: string, audit: AuditJson, journal: readonly JournalRecord[]): void {
  const text =
    reportFormatOf(path) === 'markdown'
      ? renderAuditMarkdown(audit, journal)
      : renderAuditHtml(audit, journal);
  try {
    writeFileAtomic(path, text);
  } catch (err) {
    throw new ConfigError(
      `cannot write report ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
}
