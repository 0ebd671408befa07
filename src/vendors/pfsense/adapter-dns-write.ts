/**
 * Writing the DNS set: read `custom_options`, merge our block, write the whole field, apply the resolver
 * synchronously, and check that Unbound runs; if it does not, restore the previous text and apply again.
 * pfrest never validates this text (`Models/DNSResolverSettings.inc`) and its apply reports success even
 * when Unbound does not start (pfSense `services.inc` services_unbound_configure): see adapter-dns.ts.
 */
import { ForeignObjectError, VendorError } from '../../errors.js';
import type { Change } from '../types.js';
import { findBlocks, mergeBlock, unparseableLines, validateDomains } from './adapter-dns.js';
import type { PfsenseContext } from './adapter-read.js';
import type { PfsenseClient } from './client.js';
import { dnsApplySchema, dnsSettingsSchema, servicesSchema } from './schema.js';

type SetChange = Extract<Change, { kind: 'set' }>;

const SETTINGS = 'services/dns_resolver/settings';

function dnsError(client: PfsenseClient, why: string, transient = false): VendorError {
  return new VendorError(`pfsense ${client.target}: DNS Resolver: ${why}`, {
    vendor: 'pfsense',
    target: client.target,
    operation: `PATCH ${SETTINGS}`,
    transient,
  });
}

/** `POST …/apply {"async":false}` then `GET …/apply` must say applied. */
async function applyResolver(client: PfsenseClient): Promise<void> {
  await client.post('services/dns_resolver/apply', { async: false }, dnsApplySchema);
  const after = await client.get('services/dns_resolver/apply', dnsApplySchema);
  if (!after.applied) throw dnsError(client, 'settings still pending after a synchronous apply', true);
}

async function unboundRunning(client: PfsenseClient): Promise<boolean> {
  const services = await client.get('status/services', servicesSchema);
  return services.some((s) => s.name === 'unbound' && s.status);
}

/** Writes `text` and checks that it was saved (a "Deny Config Write" user gets 200 and nothing saved). */
async function save(client: PfsenseClient, text: string): Promise<void> {
  await client.patch(SETTINGS, { custom_options: text }, dnsSettingsSchema);
  const back = (await client.get(SETTINGS, dnsSettingsSchema)).custom_options ?? '';
  if (back !== text)
    throw dnsError(
      client,
      'custom options read back differ from what was written (another writer, or a user denied config writes)',
      true,
    );
}

/**
 * Applies the DNS changes (and, with `reapply`, the resolver alone). Returns warnings.
 * @throws ForeignObjectError when an unmarked block holds our name; VendorError when the text would stop
 *   Unbound, the resolver is disabled, or Unbound did not start (after the previous text was restored).
 */
export async function writeDns(
  ctx: PfsenseContext,
  changes: SetChange[],
  reapply: boolean,
): Promise<string[]> {
  const { client } = ctx;
  if (changes.length === 0 && !reapply) return [];
  const settings = await client.get(SETTINGS, dnsSettingsSchema);
  const before = settings.custom_options ?? '';
  let text = before;
  for (const c of changes) {
    if (findBlocks(text, [c.name], ctx.marker).some((b) => b.name === c.name && !b.ours))
      throw new ForeignObjectError(
        `DNS Resolver custom options hold a block ${c.name} without marker ${ctx.marker}; not modified`,
      );
    if (c.op !== 'delete') validateDomains(client.target, c.entries);
    text = mergeBlock(text, c.name, ctx.marker, c.op === 'delete' ? null : c.entries);
  }
  const bad = unparseableLines(text, ctx.marker);
  if (bad.length > 0) {
    throw dnsError(
      client,
      `custom options hold lines Unbound cannot parse outside iocwall's block (${bad.slice(0, 3).join('; ')}); ` +
        'nothing written or applied, so the resolver keeps running: fix or remove them, then run again',
    );
  }
  if (!settings.enable)
    throw dnsError(
      client,
      'the DNS Resolver is disabled (Services › DNS Resolver); DNS blocking needs it, or switch dns off in the policy',
    );
  if (text !== before) await save(client, text);
  await applyResolver(client);
  if (await unboundRunning(client)) return [];
  if (text !== before) {
    await save(client, before);
    await applyResolver(client);
  }
  const back = await unboundRunning(client);
  throw dnsError(
    client,
    `Unbound is not running after the apply; ${text !== before ? 'the previous custom options were restored and applied; ' : ''}` +
      `Unbound ${back ? 'runs again' : 'still does not run: check Status › System Logs › DNS Resolver'}`,
  );
}
