/**
 * Shared helpers of the pfSense tests: a started simulator with an administrator and the least-privileged
 * iocwall user, an adapter connection to it, raw HTTPS calls, desired states. Everything on 127.0.0.1.
 */
import * as https from 'node:https';
import { buildPlan } from '../../../src/plan/planner.js';
import type { TargetPlan } from '../../../src/plan/types.js';
import { createPfsenseAdapter } from '../../../src/vendors/pfsense/adapter.js';
import { PfsenseClient } from '../../../src/vendors/pfsense/client.js';
import { adminEdits } from '../../../src/vendors/pfsense/lab.js';
import {
  IOCWALL_PRIVILEGES,
  PfsenseSimulator,
  type PfsenseSimulatorEndpoint,
  type PfsenseSimulatorOptions,
} from '../../../src/vendors/pfsense/simulator/server.js';
import type {
  AdminHandEdits,
  DesiredState,
  FirewallAdapter,
  TargetConnection,
} from '../../../src/vendors/types.js';
import { createAll, desiredState } from '../desired-state.js';

export const ADMIN = { username: 'admin', password: 'aDm1n-Pw0rd+9xQ2' };
export const USER = { username: 'iocwall', password: 'i0cW4ll-pW+7vT3k' };
export const MARKER = 'iocwall:test1';

/** A started simulator. */
export interface Running {
  sim: PfsenseSimulator;
  ep: PfsenseSimulatorEndpoint;
  admin: AdminHandEdits;
  adminClient: PfsenseClient;
  adapters: FirewallAdapter[];
  stop(): Promise<void>;
}

/** Starts a simulator playing `firmware`. */
export async function startSim(
  firmware = '2.8.1+pfrest-2.10.0',
  over: Partial<PfsenseSimulatorOptions> = {},
): Promise<Running> {
  const sim = new PfsenseSimulator({
    firmware,
    users: {
      admin: { password: ADMIN.password, privileges: ['page-all'] },
      iocwall: { password: USER.password, privileges: IOCWALL_PRIVILEGES },
    },
    ...over,
  });
  const ep = await sim.start();
  const adminClient = await PfsenseClient.connect({
    target: 'admin',
    endpoint: ep.endpoint,
    ...ADMIN,
    tls: { fingerprint: ep.fingerprint },
    timeoutMs: 10_000,
    readOnly: false,
  });
  const adapters: FirewallAdapter[] = [];
  return {
    sim,
    ep,
    admin: adminEdits(adminClient),
    adminClient,
    adapters,
    async stop() {
      await Promise.all(adapters.map((a) => a.close()));
      adminClient.close();
      await sim.stop();
    },
  };
}

/** An adapter connection to the simulator, pinned by fingerprint. */
export function connection(
  ep: PfsenseSimulatorEndpoint,
  over: Partial<TargetConnection> = {},
): TargetConnection {
  return {
    name: 'pf-test',
    vendor: 'pfsense',
    endpoint: ep.endpoint,
    credentials: { ...USER },
    tls: { fingerprint: ep.fingerprint },
    timeoutMs: 10_000,
    readOnly: false,
    options: {},
    ...over,
  };
}

/** An adapter for the running simulator (closed by `stop`). */
export function adapterFor(r: Running, over: Partial<TargetConnection> = {}): FirewallAdapter {
  const a = createPfsenseAdapter(connection(r.ep, over), MARKER);
  r.adapters.push(a);
  return a;
}

/** The desired state the engine builds for the default policy (shared builder, real `buildDesiredState`). */
export function desired(
  v4: string[],
  v6: string[],
  dns: string[],
  action: 'drop' | 'reject' = 'drop',
): DesiredState {
  return desiredState({ name: 'pf-test', vendor: 'pfsense', marker: MARKER }, { v4, v6, dns }, action);
}

/** What a planner would ask for to create everything in `d`. */
export const allChanges = createAll;

/** A parsed JSON answer. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- arbitrary device JSON
export type Json = any;

/** One raw HTTPS request with explicit headers. */
export function raw(
  ep: PfsenseSimulatorEndpoint,
  method: string,
  path: string,
  opts: {
    body?: string;
    headers?: Record<string, string>;
    auth?: { username: string; password: string } | null;
  } = {},
): Promise<{ status: number; body: Json; text: string }> {
  const auth = opts.auth === undefined ? USER : opts.auth;
  const headers: Record<string, string> = { ...opts.headers };
  if (auth !== null)
    headers.authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${ep.endpoint}${path}`,
      { method, ca: ep.caPem, headers, agent: false },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => {
          let body: Json;
          try {
            body = JSON.parse(text);
          } catch {
            body = undefined;
          }
          resolve({ status: res.statusCode ?? 0, body, text });
        });
      },
    );
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

/** Plans `d` against what `adapter` reads (the real planner), with lenient thresholds. */
export async function planFor(adapter: FirewallAdapter, d: DesiredState): Promise<TargetPlan> {
  return buildPlan(d, await adapter.read(), {
    tenant: 'default',
    endpoint: 'https://127.0.0.1',
    thresholds: { maxRemovePercent: 100, minEntries: 0 },
    force: false,
  });
}

/** Plans and applies until nothing is left to change; returns the last plan (in sync). */
export async function sync(adapter: FirewallAdapter, d: DesiredState): Promise<TargetPlan> {
  const plan = await planFor(adapter, d);
  if (plan.refusal !== null) throw new Error(`refused: ${plan.refusal}`);
  if (plan.changes.length > 0) await adapter.apply(plan.changes, plan.desired);
  return planFor(adapter, d);
}
