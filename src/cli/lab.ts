/**
 * `iocwall lab`: the simulated firewalls in the foreground until SIGINT/SIGTERM; one JSON line on stdout
 * when ready (CONTRACT.md).
 */
import { Command } from 'commander';
import { ConfigError } from '../errors.js';
import type { VendorId, VendorModule } from '../vendors/types.js';
import { printText, type RegisterCommand } from './context.js';

/**
 * The vendor registry, loaded when `lab` runs: importing it pulls in every adapter and simulator
 * (axios, zod, XML), which every other command (`compile` above all) must not pay for at start-up.
 */
async function vendorModules(): Promise<readonly VendorModule[]> {
  return (await import('../vendors/index.js')).VENDOR_MODULES;
}

function parseVendors(modules: readonly VendorModule[], list: string | undefined): VendorId[] | undefined {
  if (!list) return undefined;
  const vendors = list
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  for (const v of vendors)
    if (!modules.some((m) => m.id === v))
      throw new ConfigError(`unknown vendor ${v} (vendors: ${modules.map((m) => m.id).join(', ')})`);
  return vendors as VendorId[];
}

/** `--list-firmware`: per vendor, the release ranges its simulator plays and what changes between them. */
function firmwareListing(modules: readonly VendorModule[]): string {
  const lines: string[] = [];
  for (const m of modules) {
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
          const modules = await vendorModules();
          if (opts.listFirmware) {
            printText(ctx, firmwareListing(modules));
            return;
          }
          const { assertLabConfigWritable, startLab, writeLabConfig, parseFirmwareFlags } =
            await import('../lab/lab.js');
          const vendors = parseVendors(modules, opts.vendors);
          const firmware = parseFirmwareFlags(opts.firmware);
          // A release for a vendor the lab will not start would be silently unused.
          for (const vendor of Object.keys(firmware))
            if (vendors && !vendors.includes(vendor as VendorId))
              throw new ConfigError(
                `--firmware ${vendor}=…: ${vendor} is not among --vendors ${vendors.join(',')}`,
              );
          // Checked before any simulator starts, so a refusal leaves nothing running.
          if (opts.writeConfig) assertLabConfigWritable(opts.writeConfig);
          const lab = await startLab({ ...(vendors ? { vendors } : {}), firmware });
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
