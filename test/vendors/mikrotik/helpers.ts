/** Test helpers: a raw RouterOS API socket (sentences in, sentences out) and simulator/adapter set-up. */
import * as net from 'node:net';
import { encodeSentence, SentenceDecoder } from '../../../src/vendors/mikrotik/protocol.js';
import {
  MikrotikSimulator,
  type MikrotikSimulatorOptions,
} from '../../../src/vendors/mikrotik/simulator/simulator.js';
import type { TargetConnection } from '../../../src/vendors/types.js';
import { connectRouterOs, type RouterOsClient } from '../../../src/vendors/mikrotik/client.js';

/** A raw API connection: writes sentences, reads decoded reply sentences in order. */
export interface RawSession {
  send(words: string[]): void;
  next(): Promise<string[]>;
  /** Reads sentences until (and including) a `!done` carrying `.tag=tag` (or untagged when undefined). */
  until(tag?: string): Promise<string[][]>;
  closed: Promise<void>;
  destroy(): void;
}

/** Opens a raw TCP connection to `tcp://host:port`. */
export async function raw(endpoint: string): Promise<RawSession> {
  const [host, port] = endpoint.replace('tcp://', '').split(':');
  const socket = net.connect({ host: host!, port: Number(port) });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const decoder = new SentenceDecoder();
  const queue: string[][] = [];
  const waiters: ((s: string[]) => void)[] = [];
  socket.on('data', (chunk: Buffer) => {
    for (const s of decoder.push(chunk)) {
      const w = waiters.shift();
      if (w) w(s);
      else queue.push(s);
    }
  });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const next = (): Promise<string[]> =>
    new Promise((resolve) => {
      const s = queue.shift();
      if (s) resolve(s);
      else waiters.push(resolve);
    });
  return {
    send: (words) => socket.write(encodeSentence(words)),
    next,
    async until(tag) {
      const out: string[][] = [];
      for (;;) {
        const s = await next();
        out.push(s);
        const t = s.find((w) => w.startsWith('.tag='))?.slice(5);
        if (s[0] === '!done' && t === tag) return out;
      }
    },
    closed,
    destroy: () => socket.destroy(),
  };
}

/** Logs a raw session in as admin/secret. */
export async function rawLogin(endpoint: string): Promise<RawSession> {
  const s = await raw(endpoint);
  s.send(['/login', '=name=admin', '=password=secret']);
  const reply = await s.next();
  if (reply[0] !== '!done') throw new Error(`login failed: ${reply.join(' ')}`);
  return s;
}

/** Starts a simulator with admin/secret credentials. */
export async function startSim(
  o: Partial<MikrotikSimulatorOptions> & Pick<MikrotikSimulatorOptions, 'firmware'>,
): Promise<{ sim: MikrotikSimulator; endpoint: string; fingerprint?: string }> {
  const sim = new MikrotikSimulator({ username: 'admin', password: 'secret', ...o });
  const { endpoint, fingerprint } = await sim.start();
  return { sim, endpoint, fingerprint };
}

/** A target connection for the adapter. */
export function target(endpoint: string, over: Partial<TargetConnection> = {}): TargetConnection {
  return {
    name: 'mt1',
    vendor: 'mikrotik',
    endpoint,
    credentials: { username: 'admin', password: 'secret' },
    tls: {},
    timeoutMs: 5000,
    readOnly: false,
    options: {},
    ...over,
  };
}

/** Attributes of a reply sentence as a record. */
export function attrs(sentence: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const w of sentence) {
    if (!w.startsWith('=')) continue;
    const eq = w.indexOf('=', 1);
    out[w.slice(1, eq)] = w.slice(eq + 1);
  }
  return out;
}

/** A logged-in client acting as the router's administrator (hand edits in tests). */
export function adminClient(endpoint: string): Promise<RouterOsClient> {
  return connectRouterOs({
    endpoint,
    username: 'admin',
    password: 'secret',
    timeoutMs: 3000,
    readOnly: false,
    target: 'admin',
  });
}
