/**
 * `iocwall push --input FILE`: the manual push right after an advisory. The file's indicators are
 * compiled through the same guard, recorded as pushed to each chosen target once this run holds that
 * target's lock (so later syncs keep them, and a run refused by the lock records nothing), and the targets
 * are synced now. `--withdraw` takes them back the same way.
 */
import { basename } from 'node:path';
import { Command, Option } from 'commander';
import type { TargetConfig } from '../config/schema.js';
import { ConfigError } from '../errors.js';
import { FORMAT_IDS, type FormatId } from '../feeds/types.js';
import { counted } from '../util/plural.js';
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

/**
 * The state lock of `pushed.json`: each target's record is a read-modify-write of the one file, and two
 * runs pushing to different targets hold different target locks.
 */
const PUSHED_LOCK = '.pushed';

/** The summary line: what was recorded, for how many of the chosen targets (their outcomes follow). */
function summary(verb: 'recorded' | 'withdrew', count: number, recorded: number, chosen: number): string {
  const targets =
    recorded === chosen ? counted(chosen, 'target') : `${recorded} of ${counted(chosen, 'target')}`;
  // Not "pushed": a target whose lock another run held (or whose record failed) has nothing recorded.
  if (recorded === 0) return `${verb} nothing: no target could be locked and recorded`;
  return `${verb} ${counted(count, 'indicator')} ${verb === 'recorded' ? 'for' : 'from'} ${targets}`;
}

/** Registers `push`. */
export const registerPush: RegisterCommand = (program, context) => {
  program.addCommand(
    addLockOption(addDeviceOptions(new Command('push')))
      .description("push a file's indicators to the chosen targets now, on top of the compiled blocklist")
      .requiredOption('--input <file>', 'indicators to push (any supported format)')
      .option('--format <format>', `input format (auto, ${FORMAT_IDS.join(', ')})`, 'auto')
      .addOption(
        new Option('--expires <iso>', 'the pushed indicators expire at this time (in the future)').conflicts(
          'ttlDays',
        ),
      )
      .option('--ttl-days <days>', 'the pushed indicators expire after this many days (a whole number ≥ 1)')
      .addOption(
        new Option('--withdraw', "remove the file's indicators from the chosen targets instead").conflicts([
          'expires',
          'ttlDays',
        ]),
      )
      .option('--force', 'override the safety thresholds')
      .option('--now <iso>', 'clock for expiry')
      .action(async (opts: PushOptions) => {
        const ctx = context();
        // Loaded here, not at registration: it uses zod, which `compile --input` never loads.
        const { pushExpiry, pushLifetime } = await import('./push-expiry.js');
        // Every option is checked before the input is read and anything is recorded or sent.
        const now = parseNow(opts.now);
        const lifetime = pushLifetime(opts, now);
        if (opts.format !== 'auto' && !(FORMAT_IDS as readonly string[]).includes(opts.format)) {
          throw new ConfigError(`unknown --format ${opts.format}`);
        }
        const { compileBlocklist } = await import('../blocklist/compile.js');
        const { classify } = await import('../indicators/classify.js');
        const { addPushed, pushedValuesFor, readPushed, withdrawPushed } =
          await import('../blocklist/pushed.js');
        const { blocklistsFor, finishRun, runEngine, setupDevices } = await import('./device-common.js');
        const { withStateLock } = await import('../apply/lock.js');
        const setup = setupDevices(opts);
        const { stateDir } = setup.loaded;
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
        // A damaged pushed.json is exit 1 here, before any target is locked, not one failure per target.
        readPushed(stateDir);
        // Filled under each target's lock (the engine's onLocked): only what is there was recorded.
        const recorded: string[] = [];
        const affected = new Set<string>();
        let record: (target: TargetConfig) => Promise<void>;
        if (opts.withdraw) {
          // Withdrawal matches the normalised values whatever today's guard says: a value allowlisted
          // since it was pushed must still be withdrawable.
          const values = new Set(blocklist.entries.map((e) => e.value));
          for (const r of blocklist.rejected) {
            const c = classify(r.value);
            if (c.ok) for (const ind of c.indicators) values.add(ind.value);
          }
          if (names.every((name) => pushedValuesFor(stateDir, values, name).length === 0))
            throw new ConfigError(
              `nothing to withdraw: no value in ${opts.input} was pushed to these targets`,
            );
          record = async (t) => {
            const count = await withStateLock(stateDir, PUSHED_LOCK, () => {
              for (const value of pushedValuesFor(stateDir, values, t.name)) affected.add(value);
              return withdrawPushed(stateDir, values, [t.name]);
            });
            recorded.push(t.name);
            ctx.log.info({ count, target: t.name }, 'withdrew pushed indicators');
          };
        } else {
          for (const r of blocklist.rejected)
            ctx.log.warn({ value: r.value, reason: r.reason, detail: r.detail }, 'not pushed');
          if (blocklist.entries.length === 0) {
            throw new ConfigError(
              `nothing to push: all ${blocklist.rejected.length} values in ${opts.input} were rejected`,
            );
          }
          const entries = blocklist.entries.map((e) => ({ ...e, expiresAt: pushExpiry(e, lifetime) }));
          record = async (t) => {
            await withStateLock(stateDir, PUSHED_LOCK, () => addPushed(stateDir, entries, [t.name], now));
            for (const e of entries) affected.add(e.value);
            recorded.push(t.name);
            ctx.log.info({ count: entries.length, target: t.name }, 'recorded pushed indicators');
          };
        }
        const { forTarget } = await blocklistsFor(ctx, setup.loaded, setup.guard, now, {
          writing: true,
          clockGiven: opts.now !== undefined,
        });
        const report = await runEngine(ctx, {
          mode: 'sync',
          command: 'push',
          ...setup,
          blocklistFor: forTarget,
          force: Boolean(opts.force),
          breakLock: opts.breakLock === true,
          onLocked: record,
        });
        const verb = opts.withdraw ? 'withdrew' : 'recorded';
        if (!opts.json) {
          const rejected = opts.withdraw ? '' : ` (${blocklist.rejected.length} rejected)`;
          printText(ctx, `${summary(verb, affected.size, recorded.length, names.length)}${rejected}`);
        }
        finishRun(ctx, report, opts.json, {
          [opts.withdraw ? 'withdrawn' : 'pushed']: affected.size,
          recordedTargets: [...recorded].sort(),
          rejected: blocklist.rejected,
        });
      }),
  );
};
