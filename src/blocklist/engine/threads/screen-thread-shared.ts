/**
 * What the line-screen thread (screen-thread-worker.ts) and its owner (screen-thread.ts) exchange.
 *
 * The worker splits a buffer into lines exactly as the plain-list reader does (feeds/plain-bytes.ts:
 * each line ends at a LF, one CR before it belongs to the ending) and answers one number per line:
 * the packed IPv4 value (fast-path.ts `classifyIPv4PackedBytes`) when the line is a canonical IPv4
 * address or network of at least `minPrefix` bits that touches none of the unions, else -1.
 */
import type { IPv4UnionState } from '../ipv4-union.js';

/** What the worker is started with. */
export interface ScreenThreadData {
  minPrefix: number;
  unions: IPv4UnionState[];
}

/** Owner → worker: the complete lines of one buffer (its memory is transferred). */
export interface ScreenRequest {
  id: number;
  bytes: Uint8Array;
}

/** Worker → owner: `ready` once started, then one answer per request, in order. */
export type ScreenReply = { kind: 'ready' } | { kind: 'answer'; id: number; codes: Float64Array };
