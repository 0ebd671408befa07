/**
 * What the body-writer thread (body-thread-worker.ts) and its owner (body-thread.ts) share: a few
 * control words in a SharedArrayBuffer, and the shape of the messages between them.
 *
 * Filled buffers travel to the worker as transferred memory (no copy) and come back the same way to
 * be filled again. The owner is synchronous, so it cannot wait for a message event: it polls its
 * port with `receiveMessageOnPort` and sleeps on `RETURNED` (which the worker bumps after each
 * returned buffer) with `Atomics.wait`.
 */

import type { MessagePort } from 'node:worker_threads';

/** Indexes into the control words. */
export const RETURNED = 0;
export const STATE = 1;
/** The result text's length in bytes (digest or error message). */
export const RESULT_LENGTH = 2;
/** 1 once the worker runs (a thread that never starts is reported sooner than one that stalls). */
export const STARTED = 3;
/**
 * 1 while the worker handles a message. Set before it reads `STATE`, while the owner sets `STATE`
 * before it reads this: so once the owner has aborted and seen 0 here, the worker writes no more.
 */
export const BUSY = 4;
const CONTROL_WORDS = 5;

/** `STATE` values. */
export const RUNNING = 0;
export const DONE = 1;
export const FAILED = 2;
/** Set by the owner: stop, write nothing more (the file is being discarded). */
export const ABORTED = 3;

/** Room for the result: `sha256:<64 hex>` or an error message (truncated). */
const RESULT_BYTES = 512;

/** Views on the shared control buffer, laid out the same way on both sides. */
export interface BodyControl {
  readonly buffer: SharedArrayBuffer;
  readonly words: Int32Array;
  readonly result: Uint8Array;
}

/** Lays out (or, given `buffer`, re-reads the layout of) the control buffer. */
export function bodyControl(buffer?: SharedArrayBuffer): BodyControl {
  const sab = buffer ?? new SharedArrayBuffer(4 * CONTROL_WORDS + RESULT_BYTES);
  return {
    buffer: sab,
    words: new Int32Array(sab, 0, CONTROL_WORDS),
    result: new Uint8Array(sab, 4 * CONTROL_WORDS, RESULT_BYTES),
  };
}

/**
 * Owner → worker: the file to write (first, when the worker was started before the file was
 * opened), bytes to write at `position` in it (`hashed`: part of the digest; `written`: the owner
 * wrote them already, they are only hashed), or the end.
 */
export type BodyMessage =
  | { kind: 'file'; fd: number }
  | {
      kind: 'bytes';
      buffer: ArrayBuffer;
      length: number;
      position: number;
      hashed: boolean;
      written: boolean;
    }
  | { kind: 'end' };

/** What the worker is started with. */
export interface BodyThreadData {
  control: SharedArrayBuffer;
  /** The descriptor to write to; undefined for a worker started ahead, which gets a `file` message. */
  fd: number | undefined;
  /** The worker's end of the channel: owner's messages in, emptied buffers out. */
  port: MessagePort;
}
