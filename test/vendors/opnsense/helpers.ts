/**
 * Shared helpers of the OPNsense tests: a started simulator, raw HTTPS calls to it, and an adapter
 * connection for it. Everything stays on 127.0.0.1.
 */
import * as https from 'node:https';
import {
  OpnsenseSimulator,
  type OpnsenseSimulatorEndpoint,
  type OpnsenseSimulatorOptions,
} from '../../../src/vendors/opnsense/simulator/index.js';
import type { Change, DesiredState, TargetConnection } from '../../../src/vendors/types.js';

/** Administrator credentials used by the tests (random-looking so a leak would be recognisable). */
export const KEY = 'tK3y+w86XNZob8Oq8aC5r0kbNarNtdpo';
export const SECRET = 'sEcR3t/XeD26XVrJ5ilAcEmglCRC0j2e';
export const RO = { key: 'roKey0123456789abcdef', secret: 'roSecret0123456789abcdef' };
export const MARKER = 'iocwall:test1';

/** A started simulator and where it listens. */
export interface Running {
  sim: OpnsenseSimulator;
  ep: OpnsenseSimulatorEndpoint;
}

/** Starts a simulator with the test credentials. */
export async function startSim(options: OpnsenseSimulatorOptions = {}): Promise<Running> {
  const sim = new OpnsenseSimulator({ key: KEY, secret: SECRET, readOnlyKey: RO, ...options });
  const ep = await sim.start();
  return { sim, ep };
}

/** A parsed JSON answer, probed field by field in the tests. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- arbitrary device JSON
export type Json = any;
/** A grid row. */
export type Row = Record<string, Json>;

/** A raw answer. */
export interface RawAnswer {
  status: number;
  body: Json;
}

/** The `rows` of a grid answer. */
export function rowsOf(a: RawAnswer): Row[] {
  return (a.body as { rows: Row[] }).rows;
}

/** One raw HTTPS request (trusting the simulator's certificate). */
export function raw(
  ep: OpnsenseSimulatorEndpoint,
  method: string,
  path: string,
  opts: { body?: unknown; rawBody?: string; auth?: { key: string; secret: string } | null } = {},
): Promise<RawAnswer> {
  const auth = opts.auth === undefined ? { key: KEY, secret: SECRET } : opts.auth;
  const payload = opts.rawBody ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
  const headers: Record<string, string> = {};
  if (auth !== null)
    headers.authorization = `Basic ${Buffer.from(`${auth.key}:${auth.secret}`).toString('base64')}`;
  if (payload !== undefined) headers['content-type'] = 'application/json';
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${ep.endpoint}${path}`,
      { method, ca: ep.caPem, headers, agent: false },
      (res) => {
        let data = '';
        res.on('data', (c: Buffer) => (data += c.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: data === '' ? undefined : JSON.parse(data) }),
        );
      },
    );
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** An adapter connection to the simulator, pinned by fingerprint. */
export function connection(
  ep: OpnsenseSimulatorEndpoint,
  over: Partial<TargetConnection> = {},
): TargetConnection {
  return {
    name: 'opn-test',
    vendor: 'opnsense',
    endpoint: ep.endpoint,
    credentials: { key: KEY, secret: SECRET },
    tls: { fingerprint: ep.fingerprint },
    timeoutMs: 5000,
    readOnly: false,
    options: {},
    ...over,
  };
}

/** A desired state with the given entries. */
export function desired(v4: string[], v6: string[], dns: string[]): DesiredState {
  return {
    target: 'opn-test',
    vendor: 'opnsense',
    marker: MARKER,
    sets: [
      { id: 'ipv4', family: 'ipv4', name: 'iocwall_v4', entries: v4 },
      { id: 'ipv6', family: 'ipv6', name: 'iocwall_v6', entries: v6 },
      { id: 'dns', family: 'domain', name: 'iocwall_dns', entries: dns },
    ],
    rules: [
      {
        id: 'egress-ipv4',
        name: `iocwall egress-ipv4 ${MARKER}`,
        setId: 'ipv4',
        family: 'ipv4',
        action: 'drop',
        placement: 'top',
      },
      {
        id: 'egress-ipv6',
        name: `iocwall egress-ipv6 ${MARKER}`,
        setId: 'ipv6',
        family: 'ipv6',
        action: 'drop',
        placement: 'top',
      },
    ],
  };
}

/** What a planner would ask for to bring every set and rule of `d` onto the device (create or update). */
export function allChanges(d: DesiredState, op: 'create' | 'update' = 'create'): Change[] {
  return [
    ...d.sets.map((s): Change => ({
      kind: 'set',
      op,
      setId: s.id,
      name: s.name,
      family: s.family,
      add: s.entries,
      remove: [],
      entries: s.entries,
    })),
    ...d.rules.map((r): Change => ({ kind: 'rule', op, ruleId: r.id, name: r.name, rule: r, reasons: [] })),
  ];
}
