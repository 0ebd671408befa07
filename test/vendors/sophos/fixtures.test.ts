/**
 * Real SFOS answers quoted by public clients (test/fixtures/vendors/sophos/response_samples.xml.txt):
 * the parser and schemas read every one, the client's rules classify them as the device meant, and the
 * simulator answers in the same shape.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isZeroRecords } from '../../../src/vendors/sophos/client.js';
import { documentSchema, entityElementSchema } from '../../../src/vendors/sophos/schema.js';
import { children, parseXml, type XmlNode } from '../../../src/vendors/sophos/xml.js';
import { post, startSim } from './helpers.js';

/** The complete `<Response>` documents of the samples file, by the title of their block. */
function samples(): Map<string, string> {
  const text = readFileSync(
    new URL('../../fixtures/vendors/sophos/response_samples.xml.txt', import.meta.url),
    'utf8',
  );
  const out = new Map<string, string>();
  for (const block of text.split('\n## SOURCE: ').slice(1)) {
    const [title = '', ...lines] = block.split('\n');
    const xml = lines.filter((l) => !l.startsWith('#')).join('\n');
    const start = xml.indexOf('<Response');
    const end = xml.indexOf('</Response>');
    if (start >= 0 && end > start) out.set(title, xml.slice(start, end + '</Response>'.length));
  }
  return out;
}

describe('SFOS answers from public sources', () => {
  const all = samples();

  it('parses every quoted answer and checks its envelope', () => {
    expect(all.size).toBeGreaterThanOrEqual(6);
    for (const [title, xml] of all) expect(documentSchema.safeParse(parseXml(xml)).success, title).toBe(true);
  });

  it('classifies them as the device meant: record, zero records, write status, auth failure, 534', () => {
    const find = (word: string): XmlNode => {
      const hit = [...all].find(([t]) => t.includes(word));
      if (hit === undefined) throw new Error(`no sample ${word}`);
      return parseXml(hit[1]).Response as XmlNode;
    };
    const record = children(find('test_post'), 'IPHost')[0];
    expect(record?.Name).toEqual(['TEST1']);
    const zero = entityElementSchema.parse(children(find('test_no_records'), 'IPHost')[0]);
    expect(zero.Status?.[0]?.code).toBeUndefined();
    expect(isZeroRecords(zero.Status?.[0]?.text ?? '')).toBe(true);
    const dup = entityElementSchema.parse(children(find('test_failed_create_rule'), 'FirewallRule')[0]);
    expect(dup.Status?.[0]).toEqual({
      code: 502,
      text: 'Operation failed. Entity having same name already exists.',
    });
    expect(
      documentSchema.parse(parseXml([...all].find(([t]) => t.includes('test_auth_failure'))?.[1] ?? ''))
        .Response.Login?.status,
    ).toBe('Authentication Failure');
    const notAllowed = documentSchema.parse(
      parseXml([...all].find(([t]) => t.includes('client IP'))?.[1] ?? ''),
    );
    expect(notAllowed.Response.Status?.[0]?.code).toBe(534);
    expect(notAllowed.Response.Login).toBeUndefined();
  });

  it('the simulated 19.5 answers a Get like the quoted 19.5 answer', async () => {
    const sim = await startSim('19.5');
    try {
      await post(
        sim,
        '<Set operation="add"><IPHost><Name>TEST1</Name><IPFamily>IPv4</IPFamily><HostType>IP</HostType><IPAddress>10.1.1.1</IPAddress></IPHost></Set>',
      );
      const ours = parseXml(await post(sim, '<Get><IPHost/></Get>')).Response as XmlNode;
      const quoted = parseXml([...all].find(([t]) => t.includes('test_post'))?.[1] ?? '').Response as XmlNode;
      expect(ours).toEqual(quoted);
    } finally {
      await sim.stop();
    }
  });
});
