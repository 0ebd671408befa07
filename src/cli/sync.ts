/**
 * `iocwall sync`: compile + plan + apply in one go — the nightly job. Safety thresholds apply unless
 * `--force`.
 */
import { Command } from 'commander';
import type { RegisterCommand } from './context.js';
import { addDeviceOptions, addLockOption, type DeviceOptions } from './device-options.js';
import { parseNow } from './now.js';

/** Registers `sync`. */
export const registerSync: RegisterCommand = (program, context) => {
  program.addCommand(
    addLockOption(addDeviceOptions(new Command('sync')))
      .description('compile the blocklist and bring every selected target in line with it')
      .option('--force', 'override the safety thresholds')
      .option('--now <iso>', 'clock for expiry')
      .action(async (opts: DeviceOptions & { force?: boolean; now?: string }) => {
        const ctx = context();
        const { compileAndRun, finishRun } = await import('./device-common.js');
        const run = {
          mode: 'sync' as const,
          command: 'sync',
          force: Boolean(opts.force),
          now: parseNow(opts.now),
          clockGiven: opts.now !== undefined,
        };
        const { report } = await compileAndRun(ctx, opts, run);
        finishRun(ctx, report, opts.json);
      }),
  );
};
