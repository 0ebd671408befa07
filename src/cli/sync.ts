/**
 * `iocwall sync`: compile + plan + apply in one go — the nightly job. Safety thresholds apply unless
 * `--force`.
 */
import { Command } from 'commander';
import { ExitSignal } from '../errors.js';
import type { RegisterCommand } from './commands.js';
import { printJson, printText } from './context.js';
import {
  addDeviceOptions,
  blocklistsFor,
  exitCodeForRun,
  outcomeLine,
  outcomesJson,
  reportFailures,
  runEngine,
  setupDevices,
  type DeviceOptions,
} from './device-common.js';
import { parseNow } from './now.js';

/** Registers `sync`. */
export const registerSync: RegisterCommand = (program, context) => {
  program.addCommand(
    addDeviceOptions(new Command('sync'))
      .description('compile the blocklist and bring every selected target in line with it')
      .option('--force', 'override the safety thresholds')
      .option('--now <iso>', 'clock for expiry')
      .action(async (opts: DeviceOptions & { force?: boolean; now?: string }) => {
        const ctx = context();
        const now = parseNow(opts.now);
        const setup = setupDevices(opts);
        const { forTarget } = await blocklistsFor(ctx, setup.loaded, now);
        const report = await runEngine(ctx, {
          mode: 'sync',
          command: 'sync',
          ...setup,
          blocklistFor: forTarget,
          force: Boolean(opts.force),
        });
        if (opts.json) printJson(ctx, outcomesJson(report));
        else for (const o of report.outcomes) printText(ctx, outcomeLine(o));
        reportFailures(ctx, report.outcomes);
        throw new ExitSignal(exitCodeForRun('sync', report.outcomes));
      }),
  );
};
