/**
 * The seam between a simulated router and its API sessions: what a session reports (the command log,
 * in-flight counts) and what it needs (the router, the release, the users, latency and CPU model).
 */
import type { RouterOsRelease } from '../releases.js';
import type { SimCpu } from './cpu.js';
import type { SimRouter } from './router.js';
import type { SimUser } from './users.js';

/** One command as the simulator received it (passwords redacted). */
export interface SimLoggedCommand {
  connection: number;
  command: string;
  attributes: Record<string, string>;
  queries: string[];
  tag?: string;
}

/** What a session needs from the simulator that owns it. */
export interface SimSessionHost {
  readonly router: SimRouter;
  readonly release: RouterOsRelease;
  readonly users: readonly SimUser[];
  /** Runs before every command (a test's concurrent hand edit). */
  beforeCommand(command: string, attributes: Readonly<Record<string, string>>): void;
  readonly legacyLogin: boolean;
  readonly latencyMs: number;
  /**
   * CPU time per row a `print` scans, in µs (0: instantaneous, commands answered in order). Above 0
   * tagged commands run concurrently on the router's shared `cpu` (see cpu.ts).
   */
  readonly scanCostUs: number;
  readonly cpu: SimCpu;
  /** Appends to the command log. */
  log(entry: SimLoggedCommand): void;
  /** Reports commands received and not yet answered on one session (for the in-flight statistics). */
  inFlight(n: number): void;
  /** True when this executed command must be the last before the connection drops (one-shot). */
  dropNow(): boolean;
}
