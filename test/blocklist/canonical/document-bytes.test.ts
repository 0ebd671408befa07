import { describe, expect, it } from 'vitest';
import { Aggregator } from '../../../src/blocklist/aggregate/aggregate.js';
import { ByteWriter } from '../../../src/blocklist/engine/byte-writer.js';
import {
  computeDigest,
  digestOf,
  documentText,
  serializeBlocklist,
  type BlocklistDocument,
} from '../../../src/blocklist/canonical/canonical.js';
import type { Blocklist } from '../../../src/blocklist/types.js';
import { buildDocument } from '../../../src/blocklist/canonical/document.js';
import { SourceSets } from '../../../src/blocklist/aggregate/provenance.js';
import { RejectLog } from '../../../src/blocklist/rejects.js';

function bytesOf(write: (w: ByteWriter) => void): string {
  const parts: Buffer[] = [];
  const w = new ByteWriter((b) => parts.push(Buffer.from(b)));
  write(w);
  w.flush();
  return Buffer.concat(parts).toString('utf8');
}

function sample(): BlocklistDocument {
  const sets = new SourceSets();
  const a = sets.source('feed-a');
  const b = sets.source('données "b"');
  const agg = new Aggregator(sets);
  const rejects = new RejectLog();
  for (let i = 0; i < 9000; i++) agg.addDomain(`name${(i * 7919) % 9000}.example.com`, i % 3 === 0 ? b : a);
  agg.addDomain('timed.org', a, Date.UTC(2027, 0, 1), Date.UTC(2025, 5, 1));
  agg.addDomain('odd"quote\\.net', a);
  agg.addDomain('x.name1.example.com', b);
  for (let i = 0; i < 5000; i++)
    agg.addV4(i * 256 * 256, i * 256 * 256 + (i % 2 === 0 ? 0 : 255), i % 5 === 0 ? b : a);
  agg.addV4(4278190080, 4278190335, a, Date.UTC(2027, 0, 1));
  agg.addV6(1n << 100n, (1n << 100n) + 255n, b);
  for (let i = 0; i < 3000; i++)
    rejects.add(`10.0.${i % 256}.${i % 7}`, i % 2 === 0 ? a : b, 'guarded', 'private');
  rejects.add('naïve\u0001', a, 'invalid', 'control "char"');
  rejects.add('x', b, 'invalid');
  return buildDocument(agg.finish(['1.0.0.1']), rejects, sets, '2026-01-01T00:00:00.000Z');
}

describe('document byte writers', () => {
  it('write the lines a blocklist object makes through line.ts, entries and rejected values', () => {
    const doc = sample();
    const text = documentText(doc);
    const object = JSON.parse(text) as Blocklist;
    // The object form re-sorts and re-formats every line: the same bytes mean one formatter and one order.
    expect(serializeBlocklist(object)).toBe(text);
    expect(object.entries.length).toBeGreaterThan(14_000);
    expect(object.rejected.length).toBeGreaterThan(1000);
    expect(bytesOf((w) => doc.writeEntries(w))).toBe(
      `\n${text.slice(text.indexOf('"entries":[') + 12, text.indexOf('\n],"rejected":['))}\n`,
    );
  });

  it('give the digest of the entries as JSON.stringify would write them', () => {
    const doc = sample();
    const object = JSON.parse(documentText(doc)) as Blocklist;
    expect(digestOf(doc)).toBe(computeDigest(object.entries));
    expect(digestOf(doc)).toBe(object.digest);
  });
});
