/**
 * The engine's side of the journal (journal.ts holds the format): one record per target outcome, written
 * with the run's id and command, and the reconciliation of intents an unfinished earlier run left behind.
 */
import type { TargetConfig } from '../config/schema.js';
import { redactSecrets } from '../config/secrets.js';
import type { Clock } from '../container.js';
import type { Logger } from '../log.js';
import type { Change, ObservedState } from '../vendors/types.js';
import { appendJournal, settleIntents, type JournalRecord } from './journal.js';
import type { RunRequest } from './run-types.js';

/** The first line of an error's message, secrets redacted: what outcomes, logs and the journal carry. */
export function errorMessage(err: unknown): string {
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

/** The journal as one run writes it. */
export class RunJournal {
  /** Binds the journal to one run. */
  constructor(
    private readonly request: RunRequest,
    /** The run's id, on every record it writes. */
    readonly runId: string,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** Journals what an unfinished earlier run really left on the device (see journal.ts). */
  settleIntents(target: TargetConfig, observed: ObservedState): void {
    const settled = settleIntents(this.request.loaded.stateDir, target.name, observed, {
      runId: this.runId,
      command: this.request.command,
    });
    for (const unfinishedRun of settled)
      this.log.warn(
        { target: target.name, unfinishedRun },
        'journal reconciled with the device after an unfinished run',
      );
  }

  /**
   * Appends one record for `target`. A failure to write is logged, unless `mustWrite` (the intent before
   * the first change), when it is thrown so that nothing is sent.
   */
  record(
    target: TargetConfig,
    result: JournalRecord['result'],
    changes: readonly Change[],
    error?: string,
    unconfirmed = false,
    mustWrite = false,
  ): void {
    const request = this.request;
    try {
      appendJournal(request.loaded.stateDir, {
        ts: this.clock.now().toISOString(),
        runId: this.runId,
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
