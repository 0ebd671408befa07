/**
 * Shared helpers of the Sophos tests: a started simulator, an adapter connection pinned to it, the
 * desired state iocwall would build, and a sync through the real planner. Everything stays on 127.0.0.1.
 */
import { buildPlan } from '../../../src/plan/planner.js';
import type { TargetPlan } from '../../../src/plan/types.js';
import {
  SophosSimulator,
  type SophosSimulatorOptions,
} from '../../../src/vendors/sophos/simulator/simulator.js';
import type { SfosRelease } from '../../../src/vendors/sophos/simulator/releases.js';
import { createSophosAdapter } from '../../../src/vendors/sophos/adapter.js';
import { SophosClient } from '../../../src/vendors/sophos/client.js';
import type { DesiredState, FirewallAdapter, TargetConnection } from '../../../src/vendors/types.js';
import { desiredState } from '../desired-state.js';

/** Test credentials (random-looking so a leak would be recognisable). */
export const USER = 'iocwall';
export const PASSWORD = 'pA55<w&rd"\'x/KQ3zv';
export const ADMIN_PASSWORD = 'aDm1n-Pw-7bq2';
export const MARKER = 'iocwall:test1';

/** Starts a simulator of `release` with the test credentials. */
export async function startSim(
  release: SfosRelease = '22.0',
  options: Partial<SophosSimulatorOptions> = {},
): Promise<SophosSimulator> {
  const sim = new SophosSimulator({
    release,
    username: USER,
    password: PASSWORD,
    adminPassword: ADMIN_PASSWORD,
    ...options,
  });
  await sim.start();
  return sim;
}

/** An adapter connection to the simulator. */
export function connection(sim: SophosSimulator, extra: Partial<TargetConnection> = {}): TargetConnection {
  return {
    name: 'sfos1',
    vendor: 'sophos',
    endpoint: sim.endpoint,
    credentials: { username: USER, password: PASSWORD },
    tls: { fingerprint: sim.fingerprint },
    timeoutMs: 10_000,
    readOnly: false,
    options: {},
    ...extra,
  };
}

/** A raw client to the simulator (any user). */
export function client(
  sim: SophosSimulator,
  username = USER,
  password = PASSWORD,
  readOnly = false,
): Promise<SophosClient> {
  return SophosClient.connect({
    target: 'sfos1',
    endpoint: sim.endpoint,
    username,
    password,
    tls: { fingerprint: sim.fingerprint },
    timeoutMs: 10_000,
    readOnly,
  });
}

/** The desired state the engine builds for the default policy (shared builder, real `buildDesiredState`). */
export function desired(
  v4: string[],
  v6: string[],
  dns: string[],
  action: 'drop' | 'reject' = 'drop',
): DesiredState {
  return desiredState({ name: 'sfos1', vendor: 'sophos', marker: MARKER }, { v4, v6, dns }, action);
}

/** Plans against what the adapter reads (the real planner). */
export async function plan(adapter: FirewallAdapter, d: DesiredState): Promise<TargetPlan> {
  return buildPlan(d, await adapter.read(), {
    tenant: 'default',
    endpoint: 'lab',
    thresholds: { maxRemovePercent: 100, minEntries: 0 },
    force: true,
  });
}

/** Plan + apply; returns the plan applied and the apply result. */
export async function sync(
  adapter: FirewallAdapter,
  d: DesiredState,
): Promise<{ plan: TargetPlan; calls: number; warnings: string[] }> {
  const p = await plan(adapter, d);
  if (p.refusal !== null) throw new Error(`refused: ${p.refusal}`);
  const r = await adapter.apply(p.changes, p.desired);
  return { plan: p, calls: r.calls, warnings: r.warnings };
}

/** Makes an adapter for a simulator. */
export function adapterFor(sim: SophosSimulator, extra: Partial<TargetConnection> = {}): FirewallAdapter {
  return createSophosAdapter(connection(sim, extra), MARKER);
}

/** One raw request to the API (`body` sent as given, with `contentType`); returns the XML answer. */
export async function rawPost(
  sim: SophosSimulator,
  body: string,
  contentType: string,
  method = 'POST',
  query = '',
): Promise<string> {
  const https = await import('node:https');
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${sim.endpoint}/webconsole/APIController${query}`,
      { method, ca: sim.caPem, headers: { 'content-type': contentType }, agent: false },
      (res) => {
        let data = '';
        res.on('data', (c: Buffer) => (data += c.toString()));
        res.on('end', () =>
          res.statusCode === 200 ? resolve(data) : reject(new Error(`HTTP ${res.statusCode ?? 0}`)),
        );
      },
    );
    req.on('error', reject);
    if (method === 'POST') req.write(body);
    req.end();
  });
}

/** A urlencoded `reqxml` request with the test login around `inner`. */
export function reqxml(inner: string, user = USER, password = PASSWORD): string {
  const esc = (s: string): string =>
    s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
  return `<Request><Login><Username>${esc(user)}</Username><Password>${esc(password)}</Password></Login>${inner}</Request>`;
}

/** POSTs `inner` urlencoded and returns the answer. */
export function post(sim: SophosSimulator, inner: string): Promise<string> {
  return rawPost(
    sim,
    new URLSearchParams({ reqxml: reqxml(inner) }).toString(),
    'application/x-www-form-urlencoded',
  );
}
