/**
 * `iocwall lab`: the simulated firewalls in the foreground until SIGINT/SIGTERM; one JSON line on stdout
 * when ready. `iocwall demo` (what `npm start` runs): lab, then `sync` and `audit` against it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { ConfigError } from '../errors.js';
import { VENDOR_MODULES } from '../vendors/index.js';
import type { VendorId } from '../vendors/types.js';
import type { RegisterCommand } from './commands.js';
import { printText } from './context.js';

function parseVendors(list: string | undefined): VendorId[] | undefined {
  if (!list) return undefined;
  const vendors = list
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  for (const v of vendors)
    if (!VENDOR_MODULES.some((m) => m.id === v))
      throw new ConfigError(`unknown vendor ${v} (vendors: ${VENDOR_MODULES.map((m) => m.id).join(', ')})`);
  return vendors as VendorId[];
}

/** `--list-firmware`: per vendor, the release ranges its simulator plays and what changes between them. */
function firmwareListing(): string {
  const lines: string[] = [];
  for (const m of VENDOR_MODULES) {
    lines.push(`${m.id} (${m.displayName}; default ${m.lab.defaultFirmware})`);
    for (const r of m.lab.firmware) lines.push(`  ${r.releases.padEnd(26)} ${r.behaviour}`);
  }
  return lines.join('\n');
}

/** Registers `lab`. */
export const registerLab: RegisterCommand = (program, context) => {
  program.addCommand(
    new Command('lab')
      .description('start simulated firewalls on loopback until interrupted')
      .option('--vendors <list>', 'comma-separated vendors (default: every vendor)')
      .option(
        '--write-config <file>',
        'write an iocwall config targeting the lab (secrets in files beside it)',
      )
      .option(
        '--firmware <vendor=version>',
        'release a simulator plays, e.g. opnsense=25.7.5 (repeatable; see --list-firmware)',
        (value: string, previous: string[]) => [...previous, value],
        [] as string[],
      )
      .option('--list-firmware', 'print the releases each simulator plays, then exit')
      .action(
        async (opts: {
          vendors?: string;
          writeConfig?: string;
          firmware: string[];
          listFirmware?: boolean;
        }) => {
          const ctx = context();
          if (opts.listFirmware) {
            printText(ctx, firmwareListing());
            return;
          }
          const { startLab, writeLabConfig, parseFirmwareFlags } = await import('../lab/lab.js');
          const vendors = parseVendors(opts.vendors);
          const lab = await startLab({
            ...(vendors ? { vendors } : {}),
            firmware: parseFirmwareFlags(opts.firmware),
          });
          if (opts.writeConfig) writeLabConfig(opts.writeConfig, lab.devices);
          const targets = lab.devices.map(({ name, vendor, firmware, endpoint, dns, credentials }) => ({
            name,
            vendor,
            firmware,
            endpoint,
            dns,
            credentials,
          }));
          ctx.io.stdout.write(`${JSON.stringify({ ready: true, targets })}\n`);
          ctx.log.info({ devices: lab.devices.length }, 'lab running: stop with Ctrl-C');
          await new Promise<void>((resolve) => {
            const stop = (): void => {
              process.off('SIGINT', stop);
              process.off('SIGTERM', stop);
              resolve();
            };
            process.on('SIGINT', stop);
            process.on('SIGTERM', stop);
          });
          await lab.stop();
          ctx.log.info({}, 'lab stopped');
        },
      ),
  );
};

/** Registers `demo`. */
export const registerDemo: RegisterCommand = (program, context) => {
  program.addCommand(
    new Command('demo')
      .description('start the lab, then run `sync` and `audit` against it (what `npm start` does)')
      .action(async () => {
        const ctx = context();
        const { startLab, writeLabConfig } = await import('../lab/lab.js');
        const { runCli } = await import('./run.js');
        const lab = await startLab();
        try {
          const dir = mkdtempSync(join(tmpdir(), 'iocwall-demo-'));
          const config = join(dir, 'iocwall.yaml');
          writeLabConfig(config, lab.devices);
          printText(
            ctx,
            `lab: ${lab.devices.map((d) => `${d.name} (${d.vendor}) at ${d.endpoint}`).join(', ')}`,
          );
          printText(ctx, `config: ${config}\n`);
          const io = { stdout: ctx.io.stdout, stderr: ctx.io.stderr, isTTY: ctx.io.isTTY };
          printText(ctx, '$ iocwall sync --config iocwall.yaml');
          const syncCode = await runCli(['sync', '--config', config], io);
          printText(ctx, `(exit ${syncCode})\n`);
          printText(ctx, '$ iocwall audit --config iocwall.yaml');
          const auditCode = await runCli(
            ['audit', '--config', config, '--report', join(dir, 'audit.md')],
            io,
          );
          printText(ctx, `(exit ${auditCode})\n`);
          printText(ctx, '$ iocwall sync --config iocwall.yaml   # again: nothing to change');
          const again = await runCli(['sync', '--config', config], io);
          printText(ctx, `(exit ${again})`);
          if (syncCode !== 0 || auditCode !== 0 || again !== 0)
            throw new ConfigError('demo: a step did not succeed (see above)');
        } finally {
          await lab.stop();
        }
      }),
  );
};
