/**
 * Shared TLS helpers (src/vendors/tls.ts) and transport (src/vendors/http.ts) against a real HTTPS
 * server (the OPNsense simulator's self-signed certificate) on loopback.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VendorError } from '../../src/errors.js';
import { createHttpClient } from '../../src/vendors/http.js';
import { normaliseFingerprint, resolveTlsOptions, type TlsSettings } from '../../src/vendors/tls.js';
import { KEY, SECRET, startSim, type Running } from './opnsense/helpers.js';

let r: Running;
let port: number;
let dir: string;
beforeAll(async () => {
  r = await startSim();
  port = Number(new URL(r.ep.endpoint).port);
  dir = await mkdtemp(join(tmpdir(), 'iocwall-tls-'));
});
afterAll(async () => {
  await r.sim.stop();
  await rm(dir, { recursive: true, force: true });
});

/** One authenticated GET through the shared transport with the given TLS settings. */
async function get(settings: TlsSettings): Promise<number> {
  const tls = await resolveTlsOptions(settings, '127.0.0.1', port);
  const http = createHttpClient({
    baseURL: `${r.ep.endpoint}/api`,
    vendor: 'opnsense',
    target: 'tls-test',
    auth: { username: KEY, password: SECRET },
    tls,
    timeoutMs: 5000,
    readOnly: false,
    isMutating: () => false,
  });
  try {
    return (await http.axios.get('core/firmware/info')).status;
  } finally {
    http.close();
  }
}

/** The rejection of `p`. */
async function rejection(p: Promise<unknown>): Promise<VendorError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(VendorError);
    return err as VendorError;
  }
  throw new Error('expected a rejection');
}

describe('src/vendors/tls', () => {
  it('normalises fingerprints in every accepted spelling', () => {
    const canonical = r.ep.fingerprint;
    const hex = canonical.replace(/:/g, '');
    expect(normaliseFingerprint(`sha256:${canonical}`)).toBe(canonical);
    expect(normaliseFingerprint(canonical.toLowerCase())).toBe(canonical);
    expect(normaliseFingerprint(hex.toLowerCase())).toBe(canonical);
    expect(normaliseFingerprint(`SHA256=${hex}`)).toBe(canonical);
    expect(() => normaliseFingerprint('AB:CD')).toThrow(VendorError);
  });

  it('accepts the right fingerprint', async () => {
    expect(await get({ fingerprint: r.ep.fingerprint.toLowerCase() })).toBe(200);
  });

  it('refuses a wrong fingerprint before any request is sent', async () => {
    const before = r.sim.requestLog.length;
    const wrong = 'AA:'.repeat(31) + 'AA';
    const err = await rejection(get({ fingerprint: wrong }));
    expect(err.message).toMatch(/^TLS certificate fingerprint mismatch for 127\.0\.0\.1: expected AA:AA/);
    expect(err.message).toContain(r.ep.fingerprint);
    expect(err.details.transient).toBe(false);
    expect(r.sim.requestLog.length).toBe(before);
  });

  it('accepts the device CA from caFile and from ca', async () => {
    const file = join(dir, 'ca.pem');
    await writeFile(file, r.ep.caPem);
    expect(await get({ caFile: file })).toBe(200);
    expect(await get({ ca: r.ep.caPem })).toBe(200);
  });

  it('refuses an unknown CA and the system store for a self-signed device, sending nothing', async () => {
    const other = await generate([{ name: 'commonName', value: 'other' }], {
      keyType: 'ec',
      algorithm: 'sha256',
    });
    const before = r.sim.requestLog.length;
    const err = await rejection(get({ ca: other.cert }));
    expect(err.message).toMatch(/TLS verification of tls-test failed/);
    expect(err.details.transient).toBe(false);
    expect(err.message).not.toContain(SECRET);
    // The system store does not know a self-signed device: the error says how to trust it.
    const untrusted = await rejection(get({}));
    expect(untrusted.message).toMatch(/pin the firewall's own certificate with tls\.fingerprint/);
    expect(untrusted.message).toMatch(/tls\.caFile/);
    expect(r.sim.requestLog.length).toBe(before);
  });

  it("gives up the fingerprint probe after the target's own timeout", async () => {
    // A listener that accepts and never answers the handshake (a half-dead device).
    const sockets: import('node:net').Socket[] = [];
    const silent = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const silentPort = (silent.address() as AddressInfo).port;
    try {
      const err = await rejection(
        resolveTlsOptions({ fingerprint: 'AA:'.repeat(31) + 'AA' }, '127.0.0.1', silentPort, 150),
      );
      expect(err.message).toMatch(/TLS probe of 127\.0\.0\.1:\d+ failed: timed out after 150 ms/);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => silent.close(r));
    }
  });

  it('reports a missing CA file as a VendorError', async () => {
    await rejection(resolveTlsOptions({ caFile: join(dir, 'missing.pem') }, '127.0.0.1', port));
  });

  it('turns verification off only when insecure is set', async () => {
    const opts = await resolveTlsOptions({ insecure: true }, '127.0.0.1', port);
    expect(opts.rejectUnauthorized).toBe(false);
    expect(await get({ insecure: true })).toBe(200);
  });
});
