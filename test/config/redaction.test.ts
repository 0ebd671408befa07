/**
 * Redaction (issue 10, "redaction eats words"): secret values are hidden wherever they appear, user
 * names are not secrets and never hidden, and a short secret still never leaks.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { redactSecrets, registerSecret, resolveSecret } from '../../src/config/secrets.js';
import { resolveConnection } from '../../src/config/targets.js';

describe('redaction of secret values', () => {
  it('hides the password but not the user name of a target', () => {
    const dir = mkdtempSync(join(tmpdir(), 'iocwall-redact-'));
    writeFileSync(join(dir, 'user'), 'iocwall\n');
    writeFileSync(join(dir, 'pass'), 'Tr0ub4dor-and-3\n', { mode: 0o600 });
    writeFileSync(
      join(dir, 'iocwall.yaml'),
      `targets:
  - name: rtr
    vendor: mikrotik
    endpoint: tcp://192.0.2.1:8728
    credentials: { username: file:user, password: file:pass }
`,
    );
    const loaded = loadConfig(join(dir, 'iocwall.yaml'));
    const conn = resolveConnection(loaded, loaded.config.targets[0]!, true);
    expect(conn.credentials).toEqual({ username: 'iocwall', password: 'Tr0ub4dor-and-3' });
    expect(redactSecrets('iocwall audit: login iocwall with Tr0ub4dor-and-3')).toBe(
      'iocwall audit: login iocwall with [REDACTED]',
    );
  });

  it('a short secret never leaks: hidden as a whole token, words that merely contain it are kept', () => {
    const dir = mkdtempSync(join(tmpdir(), 'iocwall-redact-'));
    writeFileSync(join(dir, 'pin'), 'ab1\n', { mode: 0o600 });
    expect(resolveSecret('file:pin', dir)).toBe('ab1');
    expect(redactSecrets('secret=ab1; key "ab1", tab1e ab12 xab1')).toBe(
      'secret=[REDACTED]; key "[REDACTED]", tab1e ab12 xab1',
    );
  });

  it('a long secret is hidden even inside other text', () => {
    registerSecret('Zq8-long-secret-value');
    expect(redactSecrets('url?x=preZq8-long-secret-valuepost')).toBe('url?x=pre[REDACTED]post');
  });
});
