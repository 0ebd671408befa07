/**
 * The memory layout shared by the body-writer thread (body-thread-worker.ts) and its owner
 * (body-thread.ts): a ring of byte slots in one SharedArrayBuffer, two counters and a result area.
 *
 * The owner fills slots in order and bumps `PRODUCED`; the worker writes each slot to the file,
 * hashes it and bumps `CONSUMED`. Each counter has one writer, so no lock is needed: `Atomics`
 * loads and stores order the slot bytes before the counter that publishes them.
 */

/** Bytes per slot: a multiple of the ByteWriter's flush size, so a flush fills whole slots. */
export const SLOT_BYTES = 2 << 20;
/** Slots in the ring: 16 MiB lets the owner run ahead while the thread starts (≈ 45 ms). */
export const SLOTS = 8;

/** Indexes into the control words. */
export const PRODUCED = 0;
export const CONSUMED = 1;
export const STATE = 2;
/** The result text's length in bytes (digest or error message). */
export const RESULT_LENGTH = 3;
const CONTROL_WORDS = 4;

/** `STATE` values. */
export const RUNNING = 0;
export const DONE = 1;
export const FAILED = 2;

/** A slot length that ends the stream. */
export const END_OF_BODY = -1;

/** Room for the result: `sha256:<64 hex>` or an error message (truncated). */
export const RESULT_BYTES = 512;

/** Views on one shared buffer, laid out the same way on both sides. */
export interface BodyRing {
  readonly buffer: SharedArrayBuffer;
  readonly control: Int32Array;
  readonly lengths: Int32Array;
  readonly result: Uint8Array;
  readonly data: Uint8Array;
}

/** Lays out (or, given `buffer`, re-reads the layout of) a ring. */
export function bodyRing(buffer?: SharedArrayBuffer): BodyRing {
  const controlBytes = 4 * (CONTROL_WORDS + SLOTS);
  const sab = buffer ?? new SharedArrayBuffer(controlBytes + RESULT_BYTES + SLOTS * SLOT_BYTES);
  return {
    buffer: sab,
    control: new Int32Array(sab, 0, CONTROL_WORDS),
    lengths: new Int32Array(sab, 4 * CONTROL_WORDS, SLOTS),
    result: new Uint8Array(sab, controlBytes, RESULT_BYTES),
    data: new Uint8Array(sab, controlBytes + RESULT_BYTES, SLOTS * SLOT_BYTES),
  };
}

/** What the worker is started with. */
export interface BodyThreadData {
  buffer: SharedArrayBuffer;
  fd: number;
}
