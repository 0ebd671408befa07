/**
 * The one place errors become exit codes (CONTRACT.md "Exit codes").
 */
import { ExitSignal, InternalError, IocwallError, PartialFailureError, SafetyError } from '../errors.js';

/** Exit codes of every command. */
export const EXIT = {
  ok: 0,
  error: 1,
  changesPending: 2,
  refused: 3,
  partial: 4,
} as const;

/** Maps any thrown value to its exit code. */
export function exitCodeFor(err: unknown): number {
  if (err instanceof ExitSignal) return err.code;
  if (err instanceof PartialFailureError) return EXIT.partial;
  if (err instanceof SafetyError) return EXIT.refused;
  return EXIT.error;
}

/** The one-line reason printed on stderr for an error (no stack unless it is a bug). */
export function reasonFor(err: unknown): string {
  if (err instanceof InternalError) return `internal error (please file an issue): ${err.message}`;
  if (err instanceof IocwallError) return err.message;
  if (err instanceof Error) return `unexpected error: ${err.message}`;
  return `unexpected error: ${String(err)}`;
}
