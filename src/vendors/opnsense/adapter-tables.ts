/**
 * Proof that the pf tables hold what the configuration says after an apply.
 *
 * Up to 26.1 a full `filter reload` (what `filter/apply` runs) starts `filter refresh_aliases` detached
 * (src/etc/inc/filter.inc, 25.7.5 and 26.1.9), under `flock -n -E 0` (actions_filter.conf). The refresh
 * inside `alias/reconfigure` then exits 0 with no output while the detached one holds the lock, and
 * `reconfigureAction` answers `{"status":"ok"}` (AliasController.php 26.1.9): a table that fails to load
 * (table-entries exceeded: "Error loading alias [...]: Cannot allocate memory") is only logged.
 *
 * So after the reconfigure iocwall compares each written table's size (`get_table_size`, which the key
 * may read anyway) with its configuration. While they differ it waits and asks `reconfigure` again: once
 * the detached run has released the lock, that synchronous run loads the table or answers the load error
 * as a UserException, which becomes the apply's error. Bounded: a table still wrong after
 * `TABLE_WAIT_MS` fails the apply with the sizes seen.
 */
import { VendorError } from '../../errors.js';
import type { Change } from '../types.js';
import type { OpnsenseContext } from './adapter-types.js';
import { tableSizeSchema } from './schema.js';

type SetChange = Extract<Change, { kind: 'set' }>;

/** How long the tables may take to load after an apply (a big reload takes tens of seconds). */
const TABLE_WAIT_MS = 90_000;
/** First pause between checks; doubles up to `MAX_PAUSE_MS`. */
const FIRST_PAUSE_MS = 250;
const MAX_PAUSE_MS = 4_000;

/** `alias/reconfigure`: reloads the filter (without the alias refresh) and refreshes the tables. */
export async function reconfigure(ctx: OpnsenseContext): Promise<void> {
  await ctx.client.expectStatus('firewall/alias/reconfigure', 'alias reconfigure');
}

/** Reconfigures until every written alias's pf table has its configured size; throws when it does not. */
export async function reconfigureAndVerify(
  ctx: OpnsenseContext,
  written: readonly SetChange[],
): Promise<void> {
  await reconfigure(ctx);
  const started = Date.now();
  let pause = FIRST_PAUSE_MS;
  for (;;) {
    const size = await ctx.client.get('firewall/alias/get_table_size', tableSizeSchema);
    // A table pf does not list holds nothing (an empty alias may have no table at all).
    const wrong = written.filter((c) => (size.details[c.name]?.count ?? 0) !== new Set(c.entries).size);
    if (wrong.length === 0) return;
    if (Date.now() - started > TABLE_WAIT_MS) {
      const seen = wrong
        .map(
          (c) =>
            `${c.name} holds ${size.details[c.name]?.count ?? 'no'} entries, configured ${c.entries.length}`,
        )
        .join('; ');
      throw new VendorError(
        `opnsense ${ctx.client.target}: the pf tables did not load (${seen}); see System › Log Files › General ` +
          `for "Error loading alias" (table-entries ${size.size}, in use ${size.used})`,
        {
          vendor: 'opnsense',
          target: ctx.client.target,
          operation: 'GET firewall/alias/get_table_size',
          transient: false,
        },
      );
    }
    await new Promise((r) => setTimeout(r, pause));
    pause = Math.min(pause * 2, MAX_PAUSE_MS);
    await reconfigure(ctx);
  }
}
