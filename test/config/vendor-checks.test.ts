/**
 * The config's per-vendor checks come from each vendor module: endpoint schemes, credential fields,
 * options schema. Nothing in src/config names a vendor.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configJsonSchema } from '../../src/config/json-schema.js';
import { validateConfig } from '../../src/config/load.js';
import { VENDOR_MODULES } from '../../src/vendors/index.js';

function target(module: (typeof VENDOR_MODULES)[number], over: Record<string, unknown> = {}): unknown {
  // A vendor with credential forms takes its first form; the others their required fields.
  const names =
    module.credentialForms?.[0] ?? module.credentials.filter((c) => c.required).map((c) => c.name);
  const credentials = Object.fromEntries(names.map((n) => [n, `env:IOCWALL_${n.toUpperCase()}`]));
  return {
    targets: [
      {
        name: 'fw',
        vendor: module.id,
        endpoint: `${module.endpoint.schemes[0] ?? 'https'}://127.0.0.1:1`,
        credentials,
        ...over,
      },
    ],
  };
}

describe('per-vendor config checks, derived from the modules', () => {
  for (const module of VENDOR_MODULES) {
    it(`${module.id}: accepts its own shape, refuses other schemes, missing or unknown credentials, bad options`, () => {
      expect(() => validateConfig(target(module), '/tmp', null)).not.toThrow();
      const other = (['https', 'tcp'] as const).find((s) => !module.endpoint.schemes.includes(s)) ?? 'ftp';
      expect(() =>
        validateConfig(target(module, { endpoint: `${other}://127.0.0.1:1` }), '/tmp', null),
      ).toThrow(/endpoint/);
      const first = module.credentials.find((c) => c.required);
      if (first) {
        const t = target(module) as { targets: { credentials: Record<string, string> }[] };
        const { [first.name]: _dropped, ...rest } = t.targets[0]!.credentials;
        t.targets[0]!.credentials = rest;
        expect(() => validateConfig(t, '/tmp', null)).toThrow(new RegExp(`credentials\\.${first.name}`));
      }
      expect(() => validateConfig(target(module, { credentials: { bogus: 'env:X' } }), '/tmp', null)).toThrow(
        /takes no credential bogus/,
      );
      expect(() => validateConfig(target(module, { options: { noSuchOption: 1 } }), '/tmp', null)).toThrow(
        /options/,
      );
    });
  }

  it('a vendor with credential forms takes exactly one form: each alone, never none, half of one or a mix', () => {
    const formed = VENDOR_MODULES.filter((m) => m.credentialForms !== undefined);
    expect(formed.map((m) => m.id)).toContain('pfsense');
    for (const m of formed) {
      const forms = m.credentialForms!;
      const refs = (names: readonly string[]): Record<string, string> =>
        Object.fromEntries(names.map((n) => [n, `env:IOCWALL_${n.toUpperCase()}`]));
      for (const form of forms)
        expect(() => validateConfig(target(m, { credentials: refs(form) }), '/tmp', null)).not.toThrow();
      expect(() => validateConfig(target(m, { credentials: {} }), '/tmp', null)).toThrow(
        new RegExp(`${m.id} needs credentials`),
      );
      const mix = [...forms[0]!, ...forms[1]!];
      expect(() => validateConfig(target(m, { credentials: refs(mix) }), '/tmp', null)).toThrow(
        /one kind, in full/,
      );
      const half = forms.find((f) => f.length > 1)!.slice(0, 1);
      expect(() => validateConfig(target(m, { credentials: refs(half) }), '/tmp', null)).toThrow(
        /one kind, in full/,
      );
    }
  });

  it('the JSON Schema shows each vendor its own credentials and options, and the shipped file is current', () => {
    const schema = configJsonSchema() as { properties: { targets: { items: { allOf: unknown[] } } } };
    const clauses = schema.properties.targets.items.allOf as {
      if: { properties: { vendor: { const: string } } };
      then: { properties: { credentials: { required: string[] } } };
    }[];
    expect(clauses.map((c) => c.if.properties.vendor.const)).toEqual(VENDOR_MODULES.map((m) => m.id));
    for (const [i, m] of VENDOR_MODULES.entries())
      expect(clauses[i]!.then.properties.credentials.required).toEqual(
        m.credentials.filter((c) => c.required).map((c) => c.name),
      );
    const shipped = JSON.parse(
      readFileSync(new URL('../../schema/iocwall.schema.json', import.meta.url), 'utf8'),
    ) as unknown;
    expect(shipped).toEqual(JSON.parse(JSON.stringify(configJsonSchema())));
  });
});
