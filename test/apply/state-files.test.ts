import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendJournal, firstPushed, readJournal } from '../../src/apply/journal.js';
import { addPushed, pushedFor, withdrawPushed } from '../../src/blocklist/pushed.js';
import { createPlanFile, readPlanFile, writePlanFile } from '../../src/plan/plan-file.js';
import { GuardViolationError, PlanFileError, StalePlanError } from '../../src/errors.js';
import { assertNothingGuarded, canonicalIndicator } from '../../src/apply/guard-check.js';
import { sha256Of } from '../../src/plan/digest.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'iocwall-state-'));
const record = (ts: string, added: Record<string, string[]>, removed: Record<string, string[]> = {}) => ({
  ts,
  runId: 'r',
  command: 'sync',
  target: 'fw1',
  tenant: 't',
  vendor: 'opnsense',
  blocklistDigest: 'sha256:x',
  result: 'applied' as const,
  added,
  removed,
  rules: [],
});

describe('src/plan/plan-file', () => {
  it('round-trips a plan and refuses one edited after it was made', () => {
    const dir = tmp();
    const path = join(dir, 'plan.json');
    writePlanFile(path, createPlanFile([], 'sha256:abc', new Date('2026-01-01T00:00:00Z'), 'test'));
    expect(readPlanFile(path).blocklistDigest).toBe('sha256:abc');
    const edited = JSON.parse(readFileSync(path, 'utf8')) as { blocklistDigest: string };
    edited.blocklistDigest = 'sha256:def';
    writeFileSync(path, JSON.stringify(edited));
    expect(() => readPlanFile(path)).toThrow(StalePlanError);
  });

  it('says clearly when a file is not a plan', () => {
    const path = join(tmp(), 'x.json');
    writeFileSync(path, '{"hello":1}');
    expect(() => readPlanFile(path)).toThrow(PlanFileError);
    writeFileSync(path, 'not json');
    expect(() => readPlanFile(path)).toThrow(/cannot read plan/);
  });
});

describe('src/apply/journal', () => {
  it('appends records and tells when each value was first pushed, reset by a removal', () => {
    const dir = tmp();
    appendJournal(dir, record('2026-01-01T00:00:00.000Z', { iocwall_v4: ['1.2.3.4'] }));
    appendJournal(dir, record('2026-01-02T00:00:00.000Z', { iocwall_v4: ['5.6.7.8'] }));
    appendJournal(dir, record('2026-01-03T00:00:00.000Z', {}, { iocwall_v4: ['1.2.3.4'] }));
    appendJournal(dir, record('2026-01-04T00:00:00.000Z', { iocwall_v4: ['1.2.3.4'] }));
    // A torn line from a crash does not hide the valid records.
    writeFileSync(
      join(dir, 'journal.jsonl'),
      readFileSync(join(dir, 'journal.jsonl'), 'utf8') + '{"ts":"2026',
    );
    const records = readJournal(dir);
    expect(records).toHaveLength(4);
    const since = firstPushed(records).get('fw1');
    expect(since?.get('5.6.7.8')).toBe('2026-01-02T00:00:00.000Z');
    expect(since?.get('1.2.3.4')).toBe('2026-01-04T00:00:00.000Z');
  });
});

describe('src/blocklist/pushed', () => {
  it('keeps pushed entries per target until they expire or are withdrawn', () => {
    const dir = tmp();
    const now = new Date('2026-03-29T00:00:00Z');
    addPushed(
      dir,
      [
        { type: 'domain', value: 'journalide.org', subdomains: true, sources: ['push:a'], expiresAt: null },
        { type: 'ip', value: '23.254.211.230', sources: ['push:a'], expiresAt: '2026-04-01T00:00:00.000Z' },
      ],
      ['fw1'],
      now,
    );
    expect(pushedFor(dir, 'fw1', now).map((e) => e.value)).toEqual(['23.254.211.230', 'journalide.org']);
    expect(pushedFor(dir, 'fw2', now)).toEqual([]);
    expect(pushedFor(dir, 'fw1', new Date('2026-04-02T00:00:00Z')).map((e) => e.value)).toEqual([
      'journalide.org',
    ]);
    expect(withdrawPushed(dir, new Set(['journalide.org']), ['fw1'])).toBe(1);
    expect(pushedFor(dir, 'fw1', now).map((e) => e.value)).toEqual(['23.254.211.230']);
  });
});

describe('src/apply/guard-check', () => {
  const guard = {
    check: (ind: { value: string }) =>
      ind.value === '8.8.8.8' ? { reason: 'warninglisted', detail: 'public-dns-v4' } : null,
  };
  const set = (family: 'ipv4' | 'domain', entries: string[]) => ({
    kind: 'set' as const,
    op: 'update' as const,
    setId: family === 'ipv4' ? ('ipv4' as const) : ('dns' as const),
    name: 'iocwall_v4',
    family,
    add: [],
    remove: [],
    entries,
  });

  it('checks every value a change leaves on the device, not only the added ones', () => {
    expect(() => assertNothingGuarded('fw1', [set('ipv4', ['1.2.3.4', '8.8.8.8'])], guard)).toThrow(
      /refusing to push 8\.8\.8\.8 to fw1: warninglisted/,
    );
    expect(() =>
      assertNothingGuarded('fw1', [set('ipv4', ['1.2.3.4', '45.76.0.0/16'])], guard),
    ).not.toThrow();
  });

  it('refuses values that are not canonical for their family (smuggled separators, wrong family)', () => {
    for (const bad of ['evil.com\ncom', 'evil.com,com', 'EVIL.com', '010.0.0.1', '1.2.3.4/32']) {
      const family = /^[0-9./]+$/.test(bad) ? 'ipv4' : 'domain';
      expect(() => assertNothingGuarded('fw1', [set(family, [bad])], guard)).toThrow(GuardViolationError);
    }
    expect(() => assertNothingGuarded('fw1', [set('ipv4', ['evil.com'])], guard)).toThrow(
      /not a canonical ipv4 value/,
    );
    expect(canonicalIndicator('domain', 'journalide.org')).toEqual({
      type: 'domain',
      value: 'journalide.org',
      wildcard: false,
    });
  });
});

describe('src/plan/types plan file boundary', () => {
  it('rejects a plan whose values or names could smuggle a second entry', () => {
    const dir = tmp();
    const path = join(dir, 'plan.json');
    writePlanFile(path, createPlanFile([], 'sha256:abc', new Date('2026-01-01T00:00:00Z'), 'test'));
    const plan = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    const target = {
      target: 'fw1',
      tenant: 't',
      endpoint: 'https://192.0.2.1',
      vendor: 'opnsense',
      observedDigest: 'x',
      deviceVersion: '26.1',
      desired: { target: 'fw1', vendor: 'opnsense', marker: 'iocwall:x', sets: [], rules: [] },
      changes: [
        {
          kind: 'set',
          op: 'create',
          setId: 'dns',
          name: 'iocwall_dns',
          family: 'domain',
          add: ['evil.com\ncom'],
          remove: [],
          entries: ['evil.com\ncom'],
        },
      ],
      drift: [],
      warnings: [],
      refusal: null,
      summary: { add: 1, remove: 0, managed: 0, ruleChanges: 0 },
    };
    const { checksum: _old, ...rest } = plan;
    const body = { ...rest, targets: [target] };
    writeFileSync(path, JSON.stringify({ ...body, checksum: sha256Of(body) }));
    expect(() => readPlanFile(path)).toThrow(/is not an iocwall plan: targets\.0\.changes\.0\.add\.0/);
  });
});
