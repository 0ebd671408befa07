/**
 * The options every device command (plan, apply, sync, audit, push) takes. Kept apart from the device
 * machinery so that registering commands loads nothing heavy: `iocwall --help` or `compile` never pays
 * for the engine, the vendor adapters or axios.
 */
import type { Command } from 'commander';
import { collect } from './context.js';

/** Options every device command takes. */
export interface DeviceOptions {
  config: string;
  target: string[];
  tenant: string[];
  json?: boolean;
  /** `--break-lock` (writing commands only). */
  breakLock?: boolean;
}

/** Adds `--config`, `--target`, `--tenant`, `--json`. */
export function addDeviceOptions<T extends Command>(cmd: T): T {
  cmd
    .requiredOption('--config <file>', 'iocwall.yaml with sources and targets')
    .option('--target <name>', 'only this target (repeatable)', collect, [])
    .option('--tenant <name>', "only this tenant's targets (repeatable)", collect, [])
    .option('--json', 'print JSON on stdout');
  return cmd;
}

/**
 * Adds `--break-lock` to a writing command (sync, apply, push): a target's lock is normally taken over only
 * when its holder is dead; this takes it from a run that still answers (one that is stuck).
 */
export function addLockOption<T extends Command>(cmd: T): T {
  cmd.option('--break-lock', "take each target's lock even from a run that still holds it (a stuck run)");
  return cmd;
}
