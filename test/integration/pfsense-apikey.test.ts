/**
 * pfSense with a pfrest API key only: the config takes `credentials: { apiKey }` without a user name or
 * password, `sync` pushes through the real client (`X-API-Key`) to the simulator, and the key stays out
 * of every output and state file. A config that gives no credentials, half a kind, or both kinds is
 * refused (exit 1) before the device is contacted. The CLI runs in-process with captured streams.
 */
import { chmodSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { z } from 'zod';
import { aliasSchema, dnsSettingsSchema } from '../../src/vendors/pfsense/schema.js';
import { IOCWALL_PRIVILEGES } from '../../src/vendors/pfsense/simulator/server.js';
import { ADMIN, USER, raw, startSim, type Running } from '../vendors/pfsense/helpers.js';
import { cli } from './helpers.js';

const FEED = ['45.76.10.7', '2a05:d014::1', 'journalide.org'];

let r: Running;
let dir: string;
let key: string;

beforeAll(async () => {
  // KeyAuth enabled next to the default BasicAuth; the iocwall user may make its own key (a key carries
  // the privileges of the user who made it, pfsense-facts.md §4).
  r = await startSim(undefined, {
    authMethods: ['BasicAuth', 'KeyAuth'],
    users: {
      admin: { password: ADMIN.password, privileges: ['page-all'] },
      iocwall: { password: USER.password, privileges: [...IOCWALL_PRIVILEGES, 'api-v2-auth-key-post'] },
    },
  });
  const made = await raw(r.ep, 'POST', '/api/v2/auth/key', {
    body: '{"descr":"iocwall"}',
    auth: USER,
    headers: { 'content-type': 'application/json' },
  });
  key = (made.body as { data: { key: string } }).data.key;
  expect(key).toMatch(/^[0-9a-f]{48}$/);
  dir = mkdtempSync(join(tmpdir(), 'iocwall-pf-apikey-'));
  writeFileSync(join(dir, 'feed.txt'), `${FEED.join('\n')}\n`);
  writeFileSync(join(dir, 'pf.apiKey'), `${key}\n`, { mode: 0o600 });
  chmodSync(join(dir, 'pf.apiKey'), 0o600);
});

afterAll(async () => {
  await r.stop();
});

/** Writes a config whose one target is the simulator with these credentials; returns its path. */
function config(name: string, credentials: Record<string, string>): string {
  const path = join(dir, `${name}.yaml`);
  const doc = {
    instanceId: 'apikey',
    stateDir: 'state',
    sources: [{ name: 'feed', file: 'feed.txt', format: 'plain' }],
    targets: [
      {
        name: 'pf-key',
        vendor: 'pfsense',
        endpoint: r.ep.endpoint,
        credentials,
        tls: { fingerprint: `sha256:${r.ep.fingerprint}` },
      },
    ],
  };
  writeFileSync(path, stringify(doc));
  return path;
}

describe('pfSense with an API key only', () => {
  it('syncs with credentials { apiKey } and audits in sync; the key is never printed', async () => {
    const cfg = config('key', { apiKey: 'file:pf.apiKey' });
    const sync = await cli(['sync', '--config', cfg, '--log-level', 'info']);
    expect(sync.stderr).not.toContain(key);
    expect(sync.stdout).not.toContain(key);
    expect(sync.code).toBe(0);
    const aliases = await r.adminClient.get('firewall/aliases', z.array(aliasSchema));
    const v4 = aliases.find((a) => a.name === 'iocwall_v4');
    expect(v4?.address).toContain('45.76.10.7/32');
    expect(aliases.find((a) => a.name === 'iocwall_v6')?.address).toContain('2a05:d014::1/128');
    const dns = await r.adminClient.get('services/dns_resolver/settings', dnsSettingsSchema);
    expect(dns.custom_options).toContain('local-zone: "journalide.org." always_nxdomain');
    const audit = await cli(['audit', '--config', cfg, '--log-level', 'warn']);
    expect(audit.code).toBe(0);
    // The journal and every other state file name the target, never its key.
    const state = readdirSync(join(dir, 'state'), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => readFileSync(join(e.parentPath, e.name), 'utf8'));
    expect(state.join('\n')).toContain('pf-key');
    expect(state.join('\n')).not.toContain(key);
  });

  it('a wrong key fails the target (the device refuses it), nothing is written', async () => {
    writeFileSync(join(dir, 'wrong.apiKey'), `${'0'.repeat(48)}\n`, { mode: 0o600 });
    const writes = r.sim.writeCount();
    const run = await cli(['sync', '--config', config('wrong', { apiKey: 'file:wrong.apiKey' })]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/authentication failed/);
    expect(r.sim.writeCount()).toBe(writes);
  });

  it('refuses no credentials, half a kind, and both kinds at once (exit 1, nothing sent)', async () => {
    const writes = r.sim.writeCount();
    const cases: [Record<string, string>, RegExp][] = [
      [{}, /pfsense needs credentials username and password, or apiKey/],
      [{ username: 'env:PF_USER' }, /one kind, in full \(got username\)/],
      [
        { apiKey: 'file:pf.apiKey', username: 'env:PF_USER', password: 'env:PF_PASSWORD' },
        /pfsense takes credentials username and password, or apiKey: one kind, in full \(got apiKey, username, password\)/,
      ],
    ];
    for (const [i, [credentials, message]] of cases.entries()) {
      const run = await cli(['plan', '--config', config(`bad${i}`, credentials)]);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(message);
      expect(run.stderr).not.toContain(key);
    }
    // An inline key (not env: or file:) is refused as every secret is.
    const inline = await cli(['plan', '--config', config('inline', { apiKey: key })]);
    expect(inline.code).toBe(1);
    expect(inline.stderr).not.toContain(key);
    expect(r.sim.writeCount()).toBe(writes);
  });
});
