/**
 * The vocabulary of an engine run: what is asked of it (`RunRequest`) and what it reports per target. In a
 * module of its own so the engine's helpers (target-plan.ts, run-journal.ts) and the commands that read
 * outcomes can share it without importing the engine.
 */
import type { Blocklist } from '../blocklist/types.js';
import type { LoadedConfig } from '../config/load.js';
import type { TargetConfig } from '../config/schema.js';
import type { PlanFile, TargetPlan } from '../plan/types.js';
import type { ObservedState } from '../vendors/types.js';
import type { GuardCheck } from './guard-check.js';

/** What a run does with each target. */
export type RunMode = 'plan' | 'audit' | 'sync' | 'apply';

/** How one target ended. */
export type TargetStatus = 'in-sync' | 'drift' | 'changes' | 'applied' | 'refused' | 'error';

/** One target's result. */
export interface TargetOutcome {
  target: string;
  tenant: string;
  vendor: string;
  status: TargetStatus;
  plan?: TargetPlan;
  error?: string;
}

/** A run request. */
export interface RunRequest {
  mode: RunMode;
  /** The command name written to the journal (sync, apply, push). */
  command: string;
  loaded: LoadedConfig;
  targets: TargetConfig[];
  /** The blocklist to enforce on a target (plan, audit, sync): compiled entries plus pushed ones. */
  blocklistFor?: (target: TargetConfig) => Pick<Blocklist, 'entries' | 'digest'>;
  /** The saved plan to apply (apply). */
  planFile?: PlanFile;
  force: boolean;
  /** `--break-lock`: take a target's lock even from a run that still holds it (see apply/lock.ts). */
  breakLock?: boolean;
  /**
   * Called for each target of a writing run once the run holds that target's lock, before it connects:
   * where state that may change only under the lock changes (push records its indicators there, so a run
   * refused by the lock records nothing). A throw fails that target, before anything is sent.
   */
  onLocked?: (target: TargetConfig) => void | Promise<void>;
  guard: GuardCheck;
  /** Show a live task list (TTY). */
  tty: boolean;
}

/** What `observe` found on one target. */
export interface ObservedTarget {
  target: string;
  observed?: ObservedState;
  error?: string;
}

/** A whole run. */
export interface RunReport {
  runId: string;
  outcomes: TargetOutcome[];
}
