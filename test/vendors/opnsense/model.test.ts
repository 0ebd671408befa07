/**
 * The simulator's model facts against OPNsense's own model files (copied into
 * test/fixtures/vendors/opnsense/, origin in test/fixtures/README.md).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALIAS_TYPES } from '../../../src/vendors/opnsense/simulator/alias-model.js';
import { ALIAS_FIELDS, STATIC_ALIASES } from '../../../src/vendors/opnsense/simulator/state.js';
import { raw, startSim } from './helpers.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`../../fixtures/vendors/opnsense/${name}`, import.meta.url), 'utf8');

describe('src/vendors/opnsense/simulator model vs opnsense/core models', () => {
  it('alias types and fields match Alias.xml', () => {
    const xml = fixture('Alias.xml');
    const typeBlock =
      /<type type="OptionField">[\s\S]*?<OptionValues>([\s\S]*?)<\/OptionValues>/.exec(xml)?.[1] ?? '';
    const types = Object.fromEntries(
      [...typeBlock.matchAll(/<(\w+)>([^<]*)<\/\1>/g)].map((m) => [m[1], m[2]]),
    );
    expect(ALIAS_TYPES).toEqual(types);
    for (const field of ALIAS_FIELDS) expect(xml).toContain(`<${field} type=`);
    expect(xml).toContain('<ValidationMessage>An alias with this name already exists.</ValidationMessage>');
  });

  it('reserved built-in aliases match static_aliases/core.json', () => {
    const core = JSON.parse(fixture('static_aliases_core.json')) as Record<
      string,
      { description: string; expire: string }
    >;
    expect(STATIC_ALIASES.map((s) => [s.name, s.description, s.expire])).toEqual(
      Object.entries(core).map(([name, v]) => [name, v.description, v.expire]),
    );
  });

  it('uses the validation messages of Filter.xml and Unbound.xml', async () => {
    expect(fixture('Filter.xml')).toContain(
      '<ValidationMessage>Sequence shall be between 1 and 999999.</ValidationMessage>',
    );
    const unbound = fixture('Unbound.xml');
    const description = /<description type="DescriptionField">[\s\S]*?<ValidationMessage>([^<]*)</.exec(
      unbound,
    )?.[1];
    const { sim, ep } = await startSim({ version: '26.1' });
    try {
      const res = await raw(ep, 'POST', '/api/unbound/settings/add_dnsbl', {
        body: { blocklist: { wildcards: 'tld' } },
      });
      expect(res.body.validations['blocklist.description']).toBe(description);
      expect(res.body.validations['blocklist.wildcards']).toBe('A valid domain must be specified.');
    } finally {
      await sim.stop();
    }
    expect(fixture('Unbound-25.7.xml')).toContain('<whitelists type="CSVListField"/>');
  });
});
