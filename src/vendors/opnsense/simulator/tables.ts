/**
 * pf table refreshes of the OPNsense simulator: `filter refresh_aliases`, run synchronously by
 * `alias/reconfigure` and detached by every full `filter reload` (`filter/apply` up to 26.1), both under
 * one non-blocking lock.
 *
 * Sources (opnsense/core, tags 25.7.5 and 26.1.9):
 * - src/opnsense/service/conf/actions.d/actions_filter.conf `[refresh_aliases]`:
 *   `flock -n -E 0 -o /tmp/filter_update_tables.lock …update_tables.py` — a second run while one holds the
 *   lock exits 0 with no output;
 * - src/etc/inc/filter.inc `filter_configure_sync()`: `configd_run('filter refresh_aliases', true)`
 *   (detached) after a full reload; 26.7 `applyAction` runs `filter reload skip_alias` instead;
 * - controllers/OPNsense/Firewall/Api/AliasController.php `reconfigureAction`: throws
 *   `UserException(messages, "Alias")` only when the synchronous run printed `messages`; an empty output
 *   (lock held) decodes to nothing and answers `{"status":"ok"}`;
 * - src/opnsense/scripts/filter/update_tables.py: a `pfctl -T replace` error becomes
 *   "Error loading alias [name]: … {current_size: n, new_size: m}", logged with syslog, and the next
 *   alias is still loaded.
 */
import { aliasByName, contentEntries } from './alias-model.js';
import { tableEntry } from './net.js';
import type { SimState } from './state.js';

/** Loads every pf table from the configuration; returns the error messages (tables left as they were). */
export function loadTables(state: SimState): string[] {
  const messages: string[] = [];
  const configured = new Set<string>();
  for (const alias of state.aliases.values()) {
    const name = alias.name ?? '';
    if (alias.type === 'external') {
      configured.add(name);
      continue;
    }
    if (alias.enabled !== '1' || (alias.type !== 'host' && alias.type !== 'network')) continue;
    configured.add(name);
    const next = [
      ...new Set(
        contentEntries(alias)
          .filter((e) => aliasByName(state, e) === undefined)
          .map(tableEntry),
      ),
    ];
    const old = state.tables.get(name);
    if (old !== undefined && old.join('\n') === next.join('\n')) continue;
    // `pfctl -T replace` needs room for the old and the new entries at once (opnsense/core #5127).
    const used = [...state.tables.values()].reduce((n, t) => n + t.length, 0);
    if (used + next.length > state.tableEntriesLimit) {
      messages.push(
        `Error loading alias [${name}]: Cannot allocate memory {current_size: ${old?.length ?? 0}, new_size: ${next.length}}`,
      );
      continue;
    }
    state.tables.set(name, next);
  }
  for (const name of [...state.tables.keys()]) if (!configured.has(name)) state.tables.delete(name);
  return messages;
}

/** How long one refresh holds the lock: a base plus the configured entries it loads. */
function refreshCost(state: SimState): number {
  let entries = 0;
  for (const alias of state.aliases.values()) entries += contentEntries(alias).length;
  return state.costs.refreshBaseMs + entries * state.costs.refreshMsPerEntry;
}

/**
 * Starts the detached refresh a full `filter reload` triggers. It takes the lock now and loads the
 * tables when it finishes (`finishRefresh`); its errors only reach the system log.
 */
export function startDetachedRefresh(state: SimState): void {
  if (state.refresh !== undefined) return; // `flock -n`: the running one keeps the lock
  state.refresh = { until: state.clock() + refreshCost(state) };
}

/** Completes a detached refresh whose time has come (called before every request). */
export function finishRefresh(state: SimState): void {
  if (state.refresh === undefined || state.clock() < state.refresh.until) return;
  state.refresh = undefined;
  for (const m of loadTables(state)) state.systemLog.push(`firewall: ${m}`);
}

/**
 * The synchronous refresh of `alias/reconfigure`: a no-op answering nothing while the detached one
 * holds the lock, else the load with its messages (and the time it takes, billed to this request).
 */
export function syncRefresh(state: SimState): string[] {
  if (state.refresh !== undefined) return [];
  state.pendingCostMs += refreshCost(state);
  return loadTables(state);
}
