import 'reflect-metadata';
/**
 * The engine: for each selected target, read → plan → (apply → verify), isolated per target, with bounded
 * concurrency, per-target locks for writing modes, a guard check before any write, and a journal record.
 * One failing firewall never stops the others. Planning and the read-back live in target-plan.ts, the
 * journal records in run-journal.ts, the request and outcome types in run-types.ts.
 */
import { randomUUID } from 'node:crypto';
import pLimit from 'p-limit';
import { inject, injectable } from 'tsyringe';
import type { LoadedConfig } from '../config/load.js';
import type { TargetConfig } from '../config/schema.js';
import { TOKENS, type Clock } from '../container.js';
import { SafetyError } from '../errors.js';
import type { Logger } from '../log.js';
import { ownershipMarker } from '../vendors/ownership.js';
import { adapterFactoryFor, type VendorRegistry } from '../vendors/index.js';
import type { Change } from '../vendors/types.js';
import { assertNothingGuarded } from './guard-check.js';
import { connectTarget } from './connect.js';
import { withTargetLock, type LockLease } from './lock.js';
import { runWithProgress } from './progress.js';
import { RunJournal, errorMessage } from './run-journal.js';
import type { ObservedTarget, RunReport, RunRequest, TargetOutcome, TargetStatus } from './run-types.js';
import { planForTarget, verifyApplied } from './target-plan.js';

export type {
  ObservedTarget,
  RunMode,
  RunReport,
  RunRequest,
  TargetOutcome,
  TargetStatus,
} from './run-types.js';

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
    const journal = new RunJournal(request, randomUUID(), this.clock, this.log);
    const outcomes = await runWithProgress(
      request.targets,
      (t) => t.name,
      (t) => this.runTarget(request, journal, t),
      {
        concurrency: request.loaded.config.concurrency,
        tty: request.tty,
        log: this.log,
        title: request.mode,
      },
    );
    return { runId: journal.runId, outcomes };
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
            const adapter = await adapterFactoryFor(this.registry, target.vendor)(
              connectTarget(loaded, target, true, this.log),
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

  private async runTarget(
    request: RunRequest,
    journal: RunJournal,
    target: TargetConfig,
  ): Promise<TargetOutcome> {
    const base = { target: target.name, tenant: target.tenant, vendor: target.vendor };
    const writing = request.mode === 'sync' || request.mode === 'apply';
    // Set once the first change is about to be sent: a failure after it may have reached the device.
    const sent: { changes?: readonly Change[] } = {};
    try {
      if (!writing) return await this.processTarget(request, journal, target, sent);
      const locked = async (lease: LockLease) => {
        await request.onLocked?.(target);
        return this.processTarget(request, journal, target, sent, lease);
      };
      return await withTargetLock(request.loaded.stateDir, target.name, locked, {
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
        journal.record(target, result, sent.changes ?? [], message, sent.changes !== undefined);
      }
      return { ...base, status, error: message };
    }
  }

  private async processTarget(
    request: RunRequest,
    journal: RunJournal,
    target: TargetConfig,
    sent: { changes?: readonly Change[] },
    lease?: LockLease,
  ): Promise<TargetOutcome> {
    const base = { target: target.name, tenant: target.tenant, vendor: target.vendor };
    const readOnly = request.mode === 'plan' || request.mode === 'audit';
    const connection = connectTarget(request.loaded, target, readOnly, this.log);
    const marker = ownershipMarker(request.loaded.config.instanceId);
    // Loads the vendor's adapter module on its first target; a failed load is this target's error.
    const adapter = await adapterFactoryFor(this.registry, target.vendor)(connection, marker);
    try {
      const observed = await adapter.read();
      if (!readOnly) journal.settleIntents(target, observed);
      const plan = planForTarget(request, target, observed);
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
        journal.record(target, 'refused', [], plan.refusal);
        return { ...base, status: 'refused', plan, error: plan.refusal };
      }
      if (plan.changes.length === 0) {
        journal.record(target, 'no-change', []);
        return { ...base, status: 'in-sync', plan };
      }
      assertNothingGuarded(target.name, plan.changes, request.guard);
      // Journalled before the first write (and not swallowed): a run killed mid-apply leaves this record.
      journal.record(target, 'intent', plan.changes, undefined, false, true);
      // Last moment before the first write: a run that was stopped long enough to have its lock broken
      // finds out here (its intent is then settled as failed, nothing sent).
      lease?.assertHeld();
      sent.changes = plan.changes;
      const result = await adapter.apply(plan.changes, plan.desired);
      this.log.info(
        { target: target.name, add: plan.summary.add, remove: plan.summary.remove, calls: result.calls },
        'applied plan',
      );
      for (const warning of result.warnings) this.log.warn({ target: target.name, warning }, 'apply warning');
      await verifyApplied(target, adapter, plan);
      journal.record(target, 'applied', plan.changes);
      return {
        ...base,
        status: 'applied',
        plan: { ...plan, warnings: [...plan.warnings, ...result.warnings] },
      };
    } finally {
      await adapter.close();
    }
  }
}
