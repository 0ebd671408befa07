/**
 * The pfSense adapter, over the pfrest REST API (pfSense-pkg-RESTAPI, `/api/v2`). What iocwall manages on a
 * pfSense target:
 * - sets `ipv4`/`ipv6` → two `network` aliases, description `<marker> <setId>`, every entry a CIDR (`/32`,
 *   `/128` for hosts), one detail per entry, content always written whole in one POST/PATCH;
 * - set `dns` → a marked block in the DNS Resolver's custom options (adapter-dns.ts);
 * - rules `egress-ipv4`/`egress-ipv6` → floating quick block/reject rules, direction in, on
 *   `options.interfaces` (default `lan`), destination = the alias (adapter-rules.ts).
 * Credentials: `username`/`password` (HTTP Basic, pfrest's default) or `apiKey` (`X-API-Key`, when KeyAuth is
 * enabled on the device). The privileges needed are listed in docs/vendors/pfsense.md.
 */
import { ConfigError } from '../../errors.js';
import { setNames } from '../ownership.js';
import type { CreateAdapter, FirewallAdapter, SetId } from '../types.js';
import { applyChanges } from './adapter-apply.js';
import { fetchSnapshot, observe } from './adapter-read.js';
import type { PfsenseContext } from './adapter-types.js';
import { PfsenseClient } from './client.js';
import { pfsenseCredentialsSchema, pfsenseOptionsSchema } from './options.js';

/** The default device names (the default policy prefix) when the connection names none. */
const DEFAULT_NAMES: Record<SetId, string> = setNames('iocwall');

/**
 * Builds the adapter for one pfSense target. Nothing is contacted until the first `read`/`apply`.
 * @throws ConfigError for missing credentials or bad options.
 */
export const createPfsenseAdapter: CreateAdapter = (connection, marker) => {
  const creds = pfsenseCredentialsSchema.safeParse(connection.credentials);
  if (!creds.success)
    throw new ConfigError(
      `target ${connection.name}: pfsense needs credentials username and password, or apiKey (one kind)`,
    );
  const opts = pfsenseOptionsSchema.safeParse(connection.options);
  if (!opts.success)
    throw new ConfigError(
      `target ${connection.name}: invalid pfsense options: ${opts.error.issues[0]?.message ?? ''}`,
    );
  const names: Record<SetId, string> = { ...DEFAULT_NAMES, ...connection.objectNames };
  const c = creds.data;
  let ctx: Promise<PfsenseContext> | undefined;
  const context = (): Promise<PfsenseContext> => {
    ctx ??= PfsenseClient.connect({
      target: connection.name,
      endpoint: connection.endpoint,
      ...('apiKey' in c ? { apiKey: c.apiKey } : { username: c.username, password: c.password }),
      tls: connection.tls,
      timeoutMs: connection.timeoutMs,
      readOnly: connection.readOnly,
    }).then(
      (client) => ({ client, marker, interfaces: opts.data.interfaces, names }),
      (err: unknown) => {
        ctx = undefined; // a later call may retry the connection
        throw err;
      },
    );
    return ctx;
  };
  // One writer per device: pfrest's write lock does not stop the GUI or other writers, and each request
  // saves the config it loaded, so iocwall never overlaps its own calls to one device.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  };
  const adapter: FirewallAdapter = {
    vendor: 'pfsense',
    read: () =>
      serial(async () => {
        const x = await context();
        return observe(x, await fetchSnapshot(x.client));
      }),
    apply: (changes, desired) =>
      serial(async () => {
        const x = await context();
        for (const s of desired.sets) names[s.id] = s.name;
        return applyChanges(x, changes, desired);
      }),
    async close() {
      const pending = ctx;
      ctx = undefined;
      if (pending !== undefined) (await pending.catch(() => undefined))?.client.close();
    },
  };
  return adapter;
};
