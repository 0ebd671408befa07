import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig, loadConfig } from '../../src/config/load.js';
import { configJsonSchema } from '../../src/config/json-schema.js';
import { redactSecrets, resolveSecret } from '../../src/config/secrets.js';
import { resolveConnection, selectTargets, targetAddresses } from '../../src/config/targets.js';
import { ConfigError } from '../../src/errors.js';

function write(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'iocwall-config-'));
  const path = join(dir, 'iocwall.yaml');
  writeFileSync(path, text);
  return path;
}

const TARGETS = `
targets:
  - name: fw1
    tenant: acme
    vendor: opnsense
    endpoint: https://192.0.2.10
    credentials: { key: env:IOCWALL_TEST_KEY, secret: file:fw1.secret }
  - name: fw2
    tenant: beta
    vendor: mikrotik
    endpoint: tcp://rtr.example:8728
    credentials: { username: env:IOCWALL_TEST_KEY, password: env:IOCWALL_TEST_KEY }
`;

describe('src/config', () => {
  it('loads a config with defaults and resolves env: and file: secrets relative to it', () => {
    const path = write(`instanceId: msp\n${TARGETS}`);
    writeFileSync(join(path, '..', 'fw1.secret'), 's3cr3t-value\n');
    process.env.IOCWALL_TEST_KEY = 'key-from-env';
    const loaded = loadConfig(path);
    expect(loaded.config.guard.minPrefixV4).toBe(8);
    expect(loaded.config.defaults.policy).toMatchObject({
      dns: true,
      egress: true,
      action: 'drop',
      prefix: 'iocwall',
    });
    expect(loaded.stateDir).toBe(join(path, '..', '.iocwall-state'));
    const fw1 = selectTargets(loaded, ['fw1'], [])[0]!;
    const conn = resolveConnection(loaded, fw1, true);
    expect(conn.credentials).toEqual({ key: 'key-from-env', secret: 's3cr3t-value' });
    expect(conn.readOnly).toBe(true);
    expect(redactSecrets('auth s3cr3t-value and key-from-env')).toBe('auth [REDACTED] and [REDACTED]');
    expect(targetAddresses(loaded)).toEqual(['192.0.2.10', 'rtr.example']);
    expect(selectTargets(loaded, [], ['beta']).map((t) => t.name)).toEqual(['fw2']);
    // Both given: the targets that match both, and a clear word when none does.
    expect(selectTargets(loaded, ['fw2'], ['beta']).map((t) => t.name)).toEqual(['fw2']);
    expect(() => selectTargets(loaded, ['fw1'], ['beta'])).toThrow(
      /--target and --tenant select the targets that match both, and none of fw1 belongs to beta/,
    );
  });

  it('refuses inline secrets without echoing them', () => {
    const path = write(TARGETS.replace('file:fw1.secret', 'hunter2-inline'));
    expect(() => loadConfig(path)).toThrow(/targets\.0\.credentials\.secret: inline secrets are refused/);
    try {
      loadConfig(path);
    } catch (err) {
      expect((err as Error).message).not.toContain('hunter2');
    }
  });

  it('names what is wrong: unknown keys, bad vendors, duplicate targets, unknown selections', () => {
    expect(() => loadConfig(write('sourcez: []'))).toThrow(ConfigError);
    expect(() => loadConfig(write(TARGETS.replace('vendor: mikrotik', 'vendor: cisco')))).toThrow(
      /targets\.1\.vendor/,
    );
    expect(() => loadConfig(write(TARGETS.replace('name: fw2', 'name: fw1')))).toThrow(
      /duplicate target name fw1/,
    );
    expect(() => loadConfig(write('a: [unclosed'))).toThrow(/not valid YAML/);
    // The message ends at the position; the parser's code frame that followed its colon is not shown.
    expect(() => loadConfig(write('sources:\n  - { name: a, builtin: 3cx\ntargets: []\n'))).toThrow(
      /not valid YAML: .* at line 3, column 1$/,
    );
    expect(() => loadConfig('/nonexistent/iocwall.yaml')).toThrow(
      /cannot read config \/nonexistent\/iocwall\.yaml: ENOENT \(no such file: check the path/,
    );
    const loaded = loadConfig(write(TARGETS));
    expect(() => selectTargets(loaded, ['nope'], [])).toThrow(/unknown target nope/);
  });

  it('names an unknown builtin set and the known ones, and a typo beside a builtin', () => {
    expect(() => loadConfig(write('sources:\n  - { name: a, builtin: 3cxx }\n'))).toThrow(
      /: sources\.0\.builtin: unknown builtin set "3cxx" \(known: 3cx, unc4736-related\)$/,
    );
    expect(() => loadConfig(write('sources:\n  - { name: 3cx, builtin: 3cx, formt: csv }\n'))).toThrow(
      /: sources\.0: Unrecognized key: "formt"$/,
    );
    // A builtin source takes no url, a file source no builtin: each is told against what it names.
    expect(() =>
      loadConfig(write('sources:\n  - { name: a, builtin: 3cx, url: "https://x.example/" }\n')),
    ).toThrow(/: sources\.0: Unrecognized key: "url"$/);
    expect(() => loadConfig(write('sources:\n  - { name: f, file: x.txt, format: xml }\n'))).toThrow(
      /: sources\.0\.format: Invalid option: expected one of/,
    );
    expect(() => loadConfig(write('sources:\n  - { name: f, file: x.txt, formt: csv }\n'))).toThrow(
      /: sources\.0: Unrecognized key: "formt"$/,
    );
  });

  it('refuses two sources with one name (their feed cache and retention are kept under it)', () => {
    expect(() =>
      loadConfig(write('sources:\n  - { name: a, builtin: 3cx }\n  - { name: a, builtin: 3cx }\n')),
    ).toThrow(/duplicate source name a: each source needs its own name/);
    expect(() =>
      loadConfig(
        write('sources:\n  - { name: Feed, file: a.txt }\n  - { name: feed, url: "https://x.example/" }\n'),
      ),
    ).toThrow(/duplicate source name feed \(as Feed: case is not told apart\)/);
    expect(
      loadConfig(write('sources:\n  - { name: a, builtin: 3cx }\n  - { name: b, file: b.txt }\n')).config
        .sources,
    ).toHaveLength(2);
  });

  it('says which secret is missing, never its value', () => {
    delete process.env.IOCWALL_MISSING;
    expect(() => resolveSecret('env:IOCWALL_MISSING', '/')).toThrow('secret env:IOCWALL_MISSING is not set');
    expect(() => resolveSecret('file:/nonexistent/x', '/')).toThrow(
      /secret file:\/nonexistent\/x cannot be read \(ENOENT\)/,
    );
  });

  it('has an embedded default that compiles the shipped 3CX set', () => {
    const d = defaultConfig();
    expect(d.config.sources).toEqual([{ name: '3cx', builtin: '3cx' }]);
    expect(d.config.allowlist.domains).toContain('3cx.com');
  });

  it('ships a JSON Schema that matches the zod schema', () => {
    const committed = JSON.parse(
      readFileSync(new URL('../../schema/iocwall.schema.json', import.meta.url), 'utf8'),
    ) as unknown;
    expect(committed).toEqual(configJsonSchema());
  });
});

describe('src/config addresses', () => {
  it('accepts strict addresses and networks, and names the ambiguous ones', () => {
    expect(() =>
      loadConfig(write('protectedNetworks: [198.51.100.0/24, 203.0.113.7, "2001:db8::/32"]')),
    ).not.toThrow();
    expect(() => loadConfig(write('protectedNetworks: [010.0.0.0/8]'))).toThrow(
      /protectedNetworks\.0: expected an IP address or CIDR/,
    );
    expect(() => loadConfig(write('allowlist: { ips: [1.2.3] }'))).toThrow(/allowlist\.ips\.0/);
  });
});

describe('src/config endpoints', () => {
  it('refuses credentials over plain HTTP unless the risk is accepted explicitly', () => {
    const http = TARGETS.replace('https://192.0.2.10', 'http://192.0.2.10');
    expect(() => loadConfig(write(http))).toThrow(
      /targets\.0\.endpoint: http:\/\/ sends the API credentials in clear text/,
    );
    const accepted = http.replace(
      'credentials: { key: env:IOCWALL_TEST_KEY, secret: file:fw1.secret }',
      'credentials: { key: env:IOCWALL_TEST_KEY, secret: file:fw1.secret }\n    tls: { insecure: true }',
    );
    expect(() => loadConfig(write(accepted))).not.toThrow();
    expect(() => loadConfig(write(TARGETS.replace('tcp://rtr.example:8728', 'https://rtr.example')))).toThrow(
      /mikrotik endpoints are tcp/,
    );
  });
});

describe('src/config endpoint credentials', () => {
  it('refuses user:password@ in an endpoint without echoing it, for every scheme', () => {
    for (const [from, to] of [
      ['https://192.0.2.10', 'https://admin:Pw-in-url-1@192.0.2.10'],
      ['https://192.0.2.10', 'https://admin@192.0.2.10:8443/api'],
      ['tcp://rtr.example:8728', 'tcp://iocwall:Pw-in-url-2@rtr.example:8728'],
    ] as const) {
      const path = write(TARGETS.replace(from, to));
      let message = '';
      try {
        loadConfig(path);
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        message = (err as Error).message;
      }
      expect(message).toMatch(/endpoint: .*must not carry credentials/);
      expect(message).not.toMatch(/Pw-in-url/);
    }
    // An @ in the path (not the authority) is not userinfo.
    expect(() =>
      loadConfig(write(TARGETS.replace('https://192.0.2.10', 'https://192.0.2.10/api/@x'))),
    ).not.toThrow();
  });
});
