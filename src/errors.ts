/**
 * The one error hierarchy of iocwall. Every failure that reaches the CLI is one of these;
 * `exitCodeFor` in `src/cli/exit-codes.ts` maps them to the exit codes of CONTRACT.md.
 */

/** Base class: every iocwall error carries a one-line, secret-free reason. */
export class IocwallError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad or unreadable configuration, secret reference or command-line usage (exit 1). */
export class ConfigError extends IocwallError {}

/** An input file or feed that cannot be read or parsed, or that failed/shrank (exit 1). */
export class FeedError extends IocwallError {
  constructor(
    message: string,
    readonly source?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A plan file that fails its schema or checksum (exit 1). */
export class PlanFileError extends IocwallError {}

/**
 * Refused for safety (exit 3): a threshold exceeded, a stale plan, a guarded entry about to
 * reach a device, or a foreign object holding one of our names.
 */
export class SafetyError extends IocwallError {}

/** Too many removals for the target's managed entries (octoDNS-style `UnsafePlan`). */
export class UnsafePlanError extends SafetyError {}

/** The device changed since the plan was made. */
export class StalePlanError extends SafetyError {}

/** An object with our name but without our ownership marker blocks the target. */
export class ForeignObjectError extends SafetyError {}

/** A guarded (never-block) value was about to reach a device. */
export class GuardViolationError extends SafetyError {}

/** A device answered in a way the adapter cannot use, or could not be reached. */
export class VendorError extends IocwallError {
  constructor(
    message: string,
    readonly details: {
      vendor: string;
      target?: string;
      operation?: string;
      /** True when retrying later may succeed (timeouts, resets, 5xx). */
      transient?: boolean;
      status?: number;
    },
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A mutating call was attempted over a transport opened read-only (audit). */
export class ReadOnlyViolationError extends VendorError {}

/** Some targets succeeded and some failed (exit 4); `failed` names them. */
export class PartialFailureError extends IocwallError {
  constructor(
    message: string,
    readonly failed: readonly string[],
  ) {
    super(message);
  }
}

/** A bug: an invariant did not hold. */
export class InternalError extends IocwallError {}

/** Carries a decided exit code without an error condition (plan/audit exit 2). */
export class ExitSignal extends IocwallError {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

/** Another iocwall run holds the target's lock (exit 3: overlapping runs are refused). */
export class TargetLockedError extends SafetyError {}
