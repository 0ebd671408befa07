/**
 * The pfrest transport: the Accept header pfrest insists on, envelope errors mapped to clear VendorErrors,
 * Basic auth and API keys, TLS pinning, and the calls this client refuses to make.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ReadOnlyViolationError, VendorError } from '../../../src/errors.js';
import { PfsenseClient, privilegeFor } from '../../../src/vendors/pfsense/client.js';
import { systemVersionSchema } from '../../../src/vendors/pfsense/schema.js';
import { ADMIN, USER, raw, startSim, type Running } from './helpers.js';

let r: Running | undefined;
afterEach(async () => {
  await r?.stop();
  r = undefined;
});

function client(
  run: Running,
  over: Partial<Parameters<typeof PfsenseClient.connect>[0]> = {},
): Promise<PfsenseClient> {
  return PfsenseClient.connect({
    target: 'pf-test',
    endpoint: run.ep.endpoint,
    ...USER,
    tls: { fingerprint: run.ep.fingerprint },
    timeoutMs: 5000,
    readOnly: false,
    ...over,
  });
}

describe('src/vendors/pfsense/client', () => {
  it('derives privilege names as pfrest does', () => {
    expect(privilegeFor('PATCH', 'services/dns_resolver/settings')).toBe(
      'api-v2-services-dns-resolver-settings-patch',
    );
    expect(privilegeFor('GET', 'firewall/alias?id=3')).toBe('api-v2-firewall-alias-get');
  });

  it("sends Accept: application/json (pfrest answers axios' default Accept list with 406)", async () => {
    r = await startSim();
    const list = await raw(r.ep, 'GET', '/api/v2/system/version', {
      headers: { accept: 'application/json, text/plain, */*' },
    });
    expect(list.status).toBe(406);
    expect(list.body).toMatchObject({
      code: 406,
      status: 'not acceptable',
      response_id: 'CONTENT_HANDLER_ENCODE_NOT_FOUND',
      data: [],
    });
    const c = await client(r);
    expect((await c.get('system/version', systemVersionSchema)).version).toBe('2.8.1-RELEASE');
    c.close();
  });

  it('maps a wrong password to a VendorError without leaking it', async () => {
    r = await startSim();
    const c = await client(r, { password: 'wrong-password-123' });
    const err = await c.get('system/version', systemVersionSchema).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VendorError);
    expect((err as VendorError).message).toMatch(/authentication failed.*AUTH_AUTHENTICATION_FAILED/);
    expect((err as VendorError).message).not.toContain('wrong-password-123');
    expect((err as VendorError).details.status).toBe(401);
    c.close();
  });

  it('maps an error envelope (validation, not found) with its response_id; a non-envelope page is named', async () => {
    r = await startSim();
    const c = await client(r);
    await expect(c.get('firewall/alias', z.unknown(), { id: 7 })).rejects.toThrow(
      /MODEL_OBJECT_NOT_FOUND: Object with ID `7` does not exist/,
    );
    await expect(
      c.post(
        'firewall/alias',
        { name: 'bad', type: 'network', address: ['192.0.2.1'], detail: ['x'] },
        z.unknown(),
      ),
    ).rejects.toThrow(/INVALID_NETWORK_ALIAS_ADDRESS/);
    // /diagnostics/table does not exist before pfrest 2.6.0: nginx answers, no envelope.
    await r.stop();
    r = await startSim('2.7.2+pfrest-2.4.3');
    const old = await client(r);
    await expect(old.get('diagnostics/table', z.unknown(), { id: 'x' })).rejects.toThrow(
      /HTTP 404 without the API envelope/,
    );
    old.close();
    c.close();
  });

  it('uses X-API-Key (and no Basic header) when an API key is configured and KeyAuth is enabled', async () => {
    r = await startSim(undefined, { authMethods: ['BasicAuth', 'KeyAuth'] });
    // Keys are made with Basic auth only (/auth/key), bound to the creating user's privileges.
    const made = await raw(r.ep, 'POST', '/api/v2/auth/key', {
      body: '{"descr":"iocwall"}',
      auth: ADMIN,
      headers: { 'content-type': 'application/json' },
    });
    const key = (made.body as { data: { key: string } }).data.key;
    expect(key).toMatch(/^[0-9a-f]{48}$/);
    const c = await client(r, { apiKey: key, username: undefined, password: undefined });
    expect((await c.get('system/version', systemVersionSchema)).version).toMatch(/^2\.8\.1/);
    c.close();
    const bad = await client(r, { apiKey: 'f'.repeat(48) });
    await expect(bad.get('system/version', systemVersionSchema)).rejects.toThrow(/401|authentication failed/);
    bad.close();
  });

  it('an API key is refused where KeyAuth is not enabled (no fall-through to another method)', async () => {
    r = await startSim();
    const c = await client(r, { apiKey: 'a'.repeat(48) });
    await expect(c.get('system/version', systemVersionSchema)).rejects.toThrow(/authentication failed/);
    c.close();
  });

  it('read-only refuses every write before sending it; never a plural DELETE', async () => {
    r = await startSim();
    const ro = await client(r, { readOnly: true });
    await expect(ro.post('firewall/apply', { async: false }, z.unknown())).rejects.toBeInstanceOf(
      ReadOnlyViolationError,
    );
    expect(r.sim.writeCount()).toBe(0);
    ro.close();
    const c = await client(r, { ...ADMIN });
    await expect(c.deleteOne('firewall/aliases', 0)).rejects.toThrow(/only single objects/);
    expect(r.sim.writeCount()).toBe(0);
    c.close();
  });

  it('refuses a device whose certificate does not match the pinned fingerprint', async () => {
    r = await startSim();
    await expect(client(r, { tls: { fingerprint: 'AA'.repeat(32) } })).rejects.toThrow(
      /fingerprint mismatch/,
    );
  });
});
