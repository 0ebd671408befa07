/**
 * `iocwall push --input FILE`: the manual push right after an advisory. The file's indicators are
 * compiled through the same guard, recorded as pushed to the chosen targets (so later syncs keep them),
 * and the targets are synced now. `--withdraw` takes them back.
 */
import { basename } from 'node:path';
import { Command } from 'commander';
import type { BlocklistEntry } from '../blocklist/types.js';
import { ConfigError } from '../errors.js';
import { FORMAT_IDS, type FormatId } from '../feeds/types.js';
import { printText, type RegisterCommand } from './context.js';
import { addDeviceOptions, addLockOption, type DeviceOptions } from './device-options.js';
import { parseNow } from './now.js';

interface PushOptions extends DeviceOptions {
  input: string;
  format: string;
  expires?: string;
  ttlDays?: string;
  withdraw?: boolean;
  force?: boolean;
  now?: string;
}

/** The expiry a push gives its entries: the earliest of the entry's own, `--expires` and `--ttl-days`. */
function pushExpiry(entry: BlocklistEntry, opts: PushOptions, now: Date): string | null {
  const candidates: number[] = [];
  if (entry.expiresAt) candidates.push(Date.parse(entry.expiresAt));
  if (opts.expires) {
    const ms = Date.parse(opts.expires);
    if (Number.isNaN(ms)) throw new ConfigError(`--expires ${opts.expires} is not an ISO-8601 time`);
    candidates.push(ms);
  }
  if (opts.ttlDays) {
    const days = Number(opts.ttlDays);
    if (!Number.isFinite(days) || days <= 0)
      throw new ConfigError(`--ttl-days ${opts.ttlDays} is not a positive number`);
    candidates.push(now.getTime() + days * 86_400_000);
  }
  return candidates.length > 0 ? new Date(Math.min(...candidates)).toISOString() : null;
}

/** Registers `push`. */
export const registerPush: RegisterCommand = (program, context) => {
  program.addCommand(
    addLockOption(addDeviceOptions(new Command('push')))
      .description("push a file's indicators to the chosen targets now, on top of the compiled blocklist")
      .requiredOption('--input <file>', 'indicators to push (any supported format)')
      .option('--format <format>', `input format (auto, ${FORMAT_IDS.join(', ')})`, 'auto')
      .option('--expires <iso>', 'the pushed indicators expire at this time')
      .option('--ttl-days <days>', 'the pushed indicators expire after this many days')
      .option('--withdraw', "remove the file's indicators from the chosen targets instead")
      .option('--force', 'override the safety thresholds')
      .option('--now <iso>', 'clock for expiry')
      .action(async (opts: PushOptions) => {
        const ctx = context();
        const { compileBlocklist } = await import('../blocklist/compile.js');
        const { classify } = await import('../indicators/classify.js');
        const { addPushed, withdrawPushed } = await import('../blocklist/pushed.js');
        const { compileAndRun, finishRun, setupDevices } = await import('./device-common.js');
        const now = parseNow(opts.now);
        if (opts.format !== 'auto' && !(FORMAT_IDS as readonly string[]).includes(opts.format)) {
          throw new ConfigError(`unknown --format ${opts.format}`);
        }
        const setup = setupDevices(opts);
        const { blocklist } = await compileBlocklist({
          loaded: setup.loaded,
          inputs: [
            {
              name: `push:${basename(opts.input)}`,
              path: opts.input,
              format: opts.format as FormatId | 'auto',
            },
          ],
          includeConfigSources: false,
          now,
          log: ctx.log,
          updateState: false,
        });
        const names = setup.targets.map((t) => t.name);
        if (opts.withdraw) {
          // Withdrawal matches the normalised values whatever today's guard says: a value allowlisted
          // since it was pushed must still be withdrawable.
          const values = new Set(blocklist.entries.map((e) => e.value));
          for (const r of blocklist.rejected) {
            const c = classify(r.value);
            if (c.ok) for (const ind of c.indicators) values.add(ind.value);
          }
          const count = withdrawPushed(setup.loaded.stateDir, values, names);
          if (count === 0)
            throw new ConfigError(
              `nothing to withdraw: no value in ${opts.input} was pushed to these targets`,
            );
          ctx.log.info({ count, targets: names }, 'withdrew pushed indicators');
        } else {
          for (const r of blocklist.rejected)
            ctx.log.warn({ value: r.value, reason: r.reason, detail: r.detail }, 'not pushed');
          if (blocklist.entries.length === 0) {
            throw new ConfigError(
              `nothing to push: all ${blocklist.rejected.length} values in ${opts.input} were rejected`,
            );
          }
          const entries = blocklist.entries.map((e) => ({ ...e, expiresAt: pushExpiry(e, opts, now) }));
          addPushed(setup.loaded.stateDir, entries, names, now);
          ctx.log.info({ count: entries.length, targets: names }, 'recorded pushed indicators');
        }
        const run = { mode: 'sync' as const, command: 'push', force: Boolean(opts.force), now };
        const { report } = await compileAndRun(ctx, opts, run);
        if (!opts.json) {
          const verb = opts.withdraw ? 'withdrew' : 'pushed';
          printText(
            ctx,
            `${verb} ${blocklist.entries.length} indicators (${blocklist.rejected.length} rejected)`,
          );
        }
        finishRun(ctx, report, opts.json, { pushed: blocklist.entries.length, rejected: blocklist.rejected });
      }),
  );
};
