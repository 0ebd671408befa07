import 'reflect-metadata';
/**
 * The engine: for each selected target, read → plan → (apply → verify), isolated per target, with bounded
 * concurrency, per-target locks for writing modes, a guard check before any write, and a journal record.
 * One failing firewall never stops the others.
 */
import { randomUUID } from 'node:crypto';
import pLimit from 'p-limit';
import { inject, injectable } from 'tsyringe';
import type { Blocklist } from '../blocklist/types.js';
import type { LoadedConfig } from '../config/load.js';
import type { TargetConfig } from '../config/schema.js';
import { redactSecrets } from '../config/secrets.js';
import { effectivePolicy, endpointHost, resolveConnection } from '../config/targets.js';
import { TOKENS, type Clock } from '../container.js';
import { IocwallError, SafetyError, StalePlanError } from '../errors.js';
import type { Logger } from '../log.js';
import { buildDesiredState } from '../plan/desired.js';
import { ownershipMarker } from '../vendors/ownership.js';
import { buildPlan, observedDigest } from '../plan/planner.js';
import type { PlanFile, TargetPlan } from '../plan/types.js';
import { adapterFactoryFor, type VendorRegistry } from '../vendors/index.js';
import { insecureTls } from '../vendors/tls.js';
import type { Change, FirewallAdapter, ObservedState } from '../vendors/types.js';
import { assertDesiredAllowed, assertNothingGuarded, type GuardCheck } from './guard-check.js';
import {
  appendJournal,
  readJournal,
  reconcileIntent,
  unsettledIntents,
  type JournalRecord,
} from './journal.js';
import { withTargetLock } from './lock.js';
import { recheckSavedPlan } from './saved-plan.js';
import { runWithProgress } from './progress.js';

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

/** Loopback never leaves the machine (the lab): clear text there crosses no network. */
function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function errorMessage(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return redactSecrets(text.split('\n')[0] ?? text);
}

function changeRecord(changes: readonly Change[]): Pick<JournalRecord, 'added' | 'removed' | 'rules'> {
  const added: Record<string, string[]> = {};
  const removed: Record<string, string[]> = {};
  const rules: string[] = [];
  for (const c of changes) {
    if (c.kind === 'set') {
      if (c.add.length > 0) added[c.name] = c.add;
      if (c.remove.length > 0) removed[c.name] = c.remove;
    } else if (c.kind === 'rule') rules.push(`${c.op} ${c.name}`);
    else rules.push(`apply (${c.reason})`);
  }
  return { added, removed, rules };
}

/** Runs plan/audit/sync/apply over targets. */
@injectable()
export class Engine {
  constructor(
    @inject(TOKENS.VendorRegistry) private readonly registry: VendorRegistry,
    @inject(TOKENS.Logger) private readonly log: Logger,
    @inject(TOKENS.Clock) private readonly clock: Clock,
  ) {}

  /** Processes every target; never throws for a target's failure (see each outcome). */
  async run(request: RunRequest): Promise<RunReport> {
    const runId = randomUUID();
    const outcomes = await runWithProgress(
      request.targets,
      (t) => t.name,
      (t) => this.runTarget(request, runId, t),
      {
        concurrency: request.loaded.config.concurrency,
        tty: request.tty,
        log: this.log,
        title: request.mode,
      },
    );
    return { runId, outcomes };
  }

  /**
   * Reads every target through a read-only transport and returns what each holds (for `check --config`).
   * A target that cannot be read is reported with its error; the others are still read.
   */
  async observe(loaded: LoadedConfig, targets: readonly TargetConfig[]): Promise<ObservedTarget[]> {
    const marker = ownershipMarker(loaded.config.instanceId);
    const limit = pLimit(loaded.config.concurrency);
    return Promise.all(
      targets.map((target) =>
        limit(async () => {
          try {
            const adapter = adapterFactoryFor(this.registry, target.vendor)(
              resolveConnection(loaded, target, true),
              marker,
            );
            try {
              return { target: target.name, observed: await adapter.read() };
            } finally {
              await adapter.close();
            }
          } catch (err) {
            return { target: target.name, error: errorMessage(err) };
          }
        }),
      ),
    );
  }

  private async runTarget(request: RunRequest, runId: string, target: TargetConfig): Promise<TargetOutcome> {
    const base = { target: target.name, tenant: target.tenant, vendor: target.vendor };
    const writing = request.mode === 'sync' || request.mode === 'apply';
    // Set once the first change is about to be sent: a failure after it may have reached the device.
    const sent: { changes?: readonly Change[] } = {};
    try {
      const work = () => this.processTarget(request, runId, target, sent);
      if (!writing) return await work();
      return await withTargetLock(request.loaded.stateDir, target.name, work, {
        breakLock: request.breakLock === true,
        onTakeover: ({ broken }) =>
          this.log.warn(
            { target: target.name, broken },
            broken ? 'broke the lock of another run (--break-lock)' : 'took over a stale lock',
          ),
      });
    } catch (err) {
      const message = errorMessage(err);
      const status: TargetStatus = err instanceof SafetyError ? 'refused' : 'error';
      this.log.error(
        { target: target.name, vendor: target.vendor, err: message },
        `${request.mode} failed for target`,
      );
      if (writing) {
        const result = status === 'refused' ? 'refused' : 'failed';
        this.journal(request, runId, target, result, sent.changes ?? [], message, sent.changes !== undefined);
      }
      return { ...base, status, error: message };
    }
  }

  private async processTarget(
    request: RunRequest,
    runId: string,
    target: TargetConfig,
    sent: { changes?: readonly Change[] },
  ): Promise<TargetOutcome> {
    const base = { target: target.name, tenant: target.tenant, vendor: target.vendor };
    const readOnly = request.mode === 'plan' || request.mode === 'audit';
    const connection = resolveConnection(request.loaded, target, readOnly);
    if (/^(http|tcp):/.test(connection.endpoint) && !isLoopback(endpointHost(connection.endpoint))) {
      this.log.warn(
        { target: target.name, endpoint: connection.endpoint },
        'CLEAR-TEXT TRANSPORT: the login to this target crosses the network unencrypted (use https:// or tls://)',
      );
    }
    if (insecureTls(connection.tls)) {
      this.log.warn(
        { target: target.name },
        'TLS VERIFICATION IS OFF for this target (tls.insecure): anyone on the path can impersonate the firewall',
      );
    }
    const marker = ownershipMarker(request.loaded.config.instanceId);
    const adapter = adapterFactoryFor(this.registry, target.vendor)(connection, marker);
    try {
      const observed = await adapter.read();
      if (!readOnly) this.settleIntents(request, runId, target, observed);
      const plan = this.planFor(request, target, observed);
      if (request.mode === 'audit')
        return { ...base, status: plan.drift.length > 0 ? 'drift' : 'in-sync', plan };
      if (request.mode === 'plan') {
        const status: TargetStatus = plan.refusal
          ? 'refused'
          : plan.changes.length > 0
            ? 'changes'
            : 'in-sync';
        return { ...base, status, plan, ...(plan.refusal ? { error: plan.refusal } : {}) };
      }
      if (plan.refusal) {
        this.journal(request, runId, target, 'refused', [], plan.refusal);
        return { ...base, status: 'refused', plan, error: plan.refusal };
      }
      if (plan.changes.length === 0) {
        this.journal(request, runId, target, 'no-change', []);
        return { ...base, status: 'in-sync', plan };
      }
      assertNothingGuarded(target.name, plan.changes, request.guard);
      // Journalled before the first write (and not swallowed): a run killed mid-apply leaves this record.
      this.journal(request, runId, target, 'intent', plan.changes, undefined, false, true);
      sent.changes = plan.changes;
      const result = await adapter.apply(plan.changes, plan.desired);
      this.log.info(
        { target: target.name, add: plan.summary.add, remove: plan.summary.remove, calls: result.calls },
        'applied plan',
      );
      for (const warning of result.warnings) this.log.warn({ target: target.name, warning }, 'apply warning');
      await this.verify(target, adapter, plan);
      this.journal(request, runId, target, 'applied', plan.changes);
      return {
        ...base,
        status: 'applied',
        plan: { ...plan, warnings: [...plan.warnings, ...result.warnings] },
      };
    } finally {
      await adapter.close();
    }
  }

  /** Computes (or, for apply, re-checks) the plan from what was read. */
  private planFor(request: RunRequest, target: TargetConfig, observed: ObservedState): TargetPlan {
    const policy = effectivePolicy(request.loaded, target);
    if (!request.blocklistFor) throw new IocwallError('no blocklist to plan against');
    const desired = buildDesiredState(
      request.blocklistFor(target),
      target,
      policy,
      request.loaded.config.instanceId,
    );
    const options = {
      tenant: target.tenant,
      endpoint: target.endpoint,
      thresholds: policy.thresholds,
      force: request.force,
    };
    if (request.mode === 'apply') {
      const saved = this.savedPlanFor(request, target);
      if (observedDigest(observed) !== saved.observedDigest) {
        throw new StalePlanError(`target ${target.name} changed since the plan was made: make a new plan`);
      }
      // The file's checksum is no signature: recompute its effect against this read and today's blocklist.
      assertDesiredAllowed(target.name, saved.desired, request.guard);
      return recheckSavedPlan({ saved, observed, current: desired, options });
    }
    return buildPlan(desired, observed, options);
  }

  /** The saved plan's entry for `target`, bound to the target's vendor, endpoint and config instance. */
  private savedPlanFor(request: RunRequest, target: TargetConfig): TargetPlan {
    const saved = request.planFile?.targets.find((p) => p.target === target.name);
    if (!saved) throw new IocwallError(`the plan has no entry for target ${target.name}`);
    const instanceId = request.loaded.config.instanceId;
    if (
      saved.endpoint !== target.endpoint ||
      saved.vendor !== target.vendor ||
      request.planFile?.instanceId !== instanceId
    ) {
      throw new StalePlanError(
        `the plan for ${target.name} was made for ${saved.vendor} at ${saved.endpoint} (instance ${request.planFile?.instanceId ?? '?'}), not ${target.vendor} at ${target.endpoint} (instance ${instanceId})`,
      );
    }
    return saved;
  }

  /** Read-back after apply: the device must now match the desired state. */
  private async verify(target: TargetConfig, adapter: FirewallAdapter, plan: TargetPlan): Promise<void> {
    const after = await adapter.read();
    const check = buildPlan(plan.desired, after, {
      tenant: target.tenant,
      endpoint: target.endpoint,
      thresholds: { maxRemovePercent: 100, minEntries: 0 },
      force: true,
    });
    if (check.changes.length > 0) {
      const kinds = [...new Set(check.drift.map((d) => d.kind))].join(', ');
      throw new IocwallError(
        `verification failed on ${target.name}: ${check.changes.length} changes still pending after apply (${kinds})`,
      );
    }
  }

  /**
   * Settles the intents an unfinished run left (killed, dropped, failed verification): what of them the
   * device holds now is journalled as `reconciled`, so the journal matches the device again.
   */
  private settleIntents(
    request: RunRequest,
    runId: string,
    target: TargetConfig,
    observed: ObservedState,
  ): void {
    const stateDir = request.loaded.stateDir;
    const open = unsettledIntents(readJournal(stateDir), target.name);
    if (open.length === 0) return;
    const cache = new Map<string, ReadonlySet<string>>();
    const holds = (name: string): ReadonlySet<string> => {
      let set = cache.get(name);
      if (!set) {
        set = new Set(observed.sets.filter((s) => s.name === name).flatMap((s) => s.entries));
        cache.set(name, set);
      }
      return set;
    };
    for (const intent of open) {
      appendJournal(stateDir, {
        ...intent,
        // The values have been on the device since that run sent them.
        ts: intent.ts,
        runId,
        command: request.command,
        result: 'reconciled',
        reconciles: intent.runId,
        ...reconcileIntent(intent, holds),
        rules: [],
      });
      this.log.warn(
        { target: target.name, unfinishedRun: intent.runId },
        'journal reconciled with the device after an unfinished run',
      );
    }
  }

  private journal(
    request: RunRequest,
    runId: string,
    target: TargetConfig,
    result: JournalRecord['result'],
    changes: readonly Change[],
    error?: string,
    unconfirmed = false,
    mustWrite = false,
  ): void {
    try {
      appendJournal(request.loaded.stateDir, {
        ts: this.clock.now().toISOString(),
        runId,
        command: request.command,
        target: target.name,
        tenant: target.tenant,
        vendor: target.vendor,
        blocklistDigest: request.blocklistFor?.(target).digest ?? request.planFile?.blocklistDigest ?? '',
        result,
        ...changeRecord(changes),
        ...(unconfirmed ? { unconfirmed } : {}),
        ...(error ? { error } : {}),
      });
    } catch (err) {
      // Nothing may be sent that the journal does not hold; after a change, a journal that cannot be
      // written is reported loudly but does not undo what was done.
      if (mustWrite) throw err;
      this.log.error({ target: target.name, err: errorMessage(err) }, 'cannot write journal');
    }
  }
}
