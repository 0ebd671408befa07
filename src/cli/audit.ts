/**
 * `iocwall audit`: read-only. The transport of every adapter is opened read-only, so no write can reach
 * a device even by mistake. Reports drift per target; exit 2 when any is found.
 */
import { Command } from 'commander';
import { ExitSignal } from '../errors.js';
import { printJson, printText, type RegisterCommand } from './context.js';
import { addDeviceOptions, type DeviceOptions } from './device-options.js';
import { parseNow } from './now.js';

/** Registers `audit`. */
export const registerAudit: RegisterCommand = (program, context) => {
  program.addCommand(
    addDeviceOptions(new Command('audit'))
      .description('compare every selected target with the blocklist (never writes)')
      .option('--report <file>', 'write a human report (.md or .html)')
      .option('--now <iso>', 'clock for expiry')
      .action(async (opts: DeviceOptions & { report?: string; now?: string }) => {
        const ctx = context();
        const { readJournal } = await import('../apply/journal.js');
        const { auditJson, reportFormatOf, writeAuditReport } = await import('../report/audit-report.js');
        const { compileAndRun, exitCodeForRun, reportFailures } = await import('./device-common.js');
        const now = parseNow(opts.now);
        if (opts.report) reportFormatOf(opts.report); // a bad file name fails before any device is read
        const run = { mode: 'audit' as const, command: 'audit', force: false, now };
        const { setup, compiled, report } = await compileAndRun(ctx, opts, run);
        const json = auditJson(report.outcomes, compiled.digest, now);
        if (opts.json) printJson(ctx, json);
        else {
          for (const t of json.targets) {
            printText(
              ctx,
              `${t.name} [${t.vendor}, ${t.tenant}]: ${t.status}${t.error ? `: ${t.error}` : ''}`,
            );
            for (const w of t.warnings ?? []) printText(ctx, `  warning: ${w}`);
            for (const d of t.drift.slice(0, 20))
              printText(ctx, `  ${d.kind} ${d.object}${d.value ? ` ${d.value}` : ''}: ${d.detail}`);
            if (t.drift.length > 20) printText(ctx, `  … and ${t.drift.length - 20} more findings`);
          }
        }
        // After the results are printed, so a report that cannot be written loses none of them.
        if (opts.report) {
          writeAuditReport(opts.report, json, readJournal(setup.loaded.stateDir));
          if (!opts.json) printText(ctx, `report written to ${opts.report}`);
        }
        reportFailures(ctx, report.outcomes);
        throw new ExitSignal(exitCodeForRun('audit', report.outcomes));
      }),
  );
};
