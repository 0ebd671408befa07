/**
 * The OPNsense adapter's transport: read-only refusal before sending, fault injection (5xx, resets,
 * latency), error mapping of 401/403, and no secret in any error message.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createOpnsenseAdapter } from '../../../src/vendors/opnsense/adapter.js';
import { OpnsenseClient } from '../../../src/vendors/opnsense/client.js';
import { ReadOnlyViolationError, VendorError } from '../../../src/errors.js';
import type { FirewallAdapter } from '../../../src/vendors/types.js';
import {
  KEY,
  MARKER,
  RO,
  SECRET,
  allChanges,
  connection,
  desired,
  raw,
  rowsOf,
  startSim,
  type Running,
} from './helpers.js';

const open: { r: Running; adapters: FirewallAdapter[] }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    await Promise.all(o.adapters.map((a) => a.close()));
    await o.r.sim.stop();
  }
});

/** Starts a simulator and registers adapters for cleanup. */
async function setup(
  options: Parameters<typeof startSim>[0] = {},
): Promise<{ r: Running; track: (a: FirewallAdapter) => FirewallAdapter }> {
  const r = await startSim(options);
  const entry = { r, adapters: [] as FirewallAdapter[] };
  open.push(entry);
  return {
    r,
    track: (a) => {
      entry.adapters.push(a);
      return a;
    },
  };
}

/** Catches the rejection of `p`, which must be a VendorError. */
async function rejection(p: Promise<unknown>): Promise<VendorError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof VendorError) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

/** Asserts that no credential appears in an error's message (or its cause's). */
function expectNoSecret(err: Error): void {
  const text = `${err.message} ${(err.cause as Error | undefined)?.message ?? ''} ${JSON.stringify(err)}`;
  for (const s of [KEY, SECRET, RO.key, RO.secret, Buffer.from(`${KEY}:${SECRET}`).toString('base64')]) {
    expect(text).not.toContain(s);
  }
}

describe('src/vendors/opnsense transport', () => {
  it('a read-only transport refuses every mutating call before sending it', async () => {
    const { r, track } = await setup();
    const adapter = track(createOpnsenseAdapter(connection(r.ep, { readOnly: true }), MARKER));
    await adapter.read(); // reads pass (the searches are POSTs that only read)
    const d = desired(['192.0.2.1'], [], []);
    const err = await rejection(adapter.apply(allChanges(d).slice(0, 1), d));
    expect(err).toBeInstanceOf(ReadOnlyViolationError);
    expectNoSecret(err);
    const mutating = r.sim.requestLog.filter(
      (x) => x.method === 'POST' && !/search_item|search_rule|search_dnsbl|alias_util\/list/.test(x.path),
    );
    expect(mutating).toEqual([]);
    expect(r.sim.requestLog.some((x) => x.path.includes('add_item'))).toBe(false);
  });

  it('maps 401 and 403 to non-transient VendorErrors without secrets', async () => {
    const { r, track } = await setup();
    const badCreds = track(
      createOpnsenseAdapter(
        connection(r.ep, { credentials: { key: KEY, secret: 'wrong-secret-value' } }),
        MARKER,
      ),
    );
    const e401 = await rejection(badCreds.read());
    expect(e401).toBeInstanceOf(VendorError);
    expect(e401.details).toMatchObject({ status: 401, transient: false });
    expect(e401.message).toMatch(/authentication failed/);
    expect(e401.message).not.toContain('wrong-secret-value');
    expectNoSecret(e401);

    const ro = track(createOpnsenseAdapter(connection(r.ep, { credentials: RO }), MARKER));
    await ro.read();
    const d = desired(['192.0.2.1'], [], []);
    const e403 = await rejection(ro.apply(allChanges(d).slice(0, 1), d));
    expect(e403.details).toMatchObject({ status: 403, transient: false });
    expectNoSecret(e403);
  });

  it('a validation failure carries the device messages', async () => {
    const { r } = await setup();
    const client = await OpnsenseClient.connect({
      target: 't',
      endpoint: r.ep.endpoint,
      key: KEY,
      secret: SECRET,
      tls: { ca: r.ep.caPem },
      timeoutMs: 5000,
      readOnly: false,
    });
    try {
      const err = await rejection(
        client.save('firewall/alias/add_item', { alias: { name: 'bad name', type: 'host' } }),
      );
      expect(err.message).toMatch(/alias\.name: The name must be less than 32 characters/);
      expect(err.details.transient).toBe(false);
    } finally {
      client.close();
    }
  });

  it('surfaces injected 5xx as a transient VendorError', async () => {
    const { r, track } = await setup({ latencyMs: 5 });
    const adapter = track(createOpnsenseAdapter(connection(r.ep), MARKER));
    r.sim.setFaults({ failNext5xx: 1 });
    const err = await rejection(adapter.read());
    expect(err).toBeInstanceOf(VendorError);
    expect(err.details).toMatchObject({ status: 500, transient: true });
    expectNoSecret(err);
    await expect(adapter.read()).resolves.toMatchObject({ sets: [] });
  });

  it('a connection reset mid-apply fails transiently; a second apply converges', async () => {
    const { r, track } = await setup();
    const adapter = track(createOpnsenseAdapter(connection(r.ep), MARKER));
    const d = desired(['192.0.2.0/24', '198.51.100.7'], ['2001:db8::/48'], ['journalide.org']);
    r.sim.setFaults({ resetAfterCalls: 7 });
    const err = await rejection(adapter.apply(allChanges(d), d));
    expect(err).toBeInstanceOf(VendorError);
    expect(err.details.transient).toBe(true);
    expect(err.message).toContain('opn-test');
    expectNoSecret(err);
    await adapter.apply(allChanges(d), d);
    const obs = await adapter.read();
    expect(obs.sets.map((s) => [s.id, s.entries]).sort()).toEqual([
      ['dns', ['journalide.org']],
      ['ipv4', ['192.0.2.0/24', '198.51.100.7']],
      ['ipv6', ['2001:db8::/48']],
    ]);
    expect(obs.rules).toHaveLength(2);
    expect(obs.pendingApply).toBe(false);
    // no duplicate objects from the interrupted attempt
    const aliases = rowsOf(await raw(r.ep, 'GET', '/api/firewall/alias/search_item'));
    expect(
      aliases
        .filter((a) => String(a.description).includes(MARKER))
        .map((a) => String(a.name))
        .sort(),
    ).toEqual(['iocwall_v4', 'iocwall_v6']);
  });
});
