/**
 * Writing and hashing a big blocklist body on a second thread.
 *
 * Formatting a million entries, writing the 100 MB they make and hashing them are each a few hundred
 * milliseconds; the last two need nothing from the first but its bytes. So the main thread formats
 * into a shared ring (body-thread-shared.ts) and a worker writes and hashes behind it, on the other
 * core. The file gets the same bytes in the same order and the digest is the same as in-thread
 * (test/cli/body-thread.test.ts compares the two).
 *
 * Everything stays synchronous for the caller: it blocks (`Atomics.wait`) only when the ring is full
 * and at the end, for the digest. The worker script is the built `.js` beside this module; when it is
 * absent (running from TypeScript sources), {@link BodyThread.start} returns undefined and the caller
 * hashes in-thread.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import {
  bodyRing,
  CONSUMED,
  END_OF_BODY,
  FAILED,
  PRODUCED,
  RESULT_LENGTH,
  RUNNING,
  SLOT_BYTES,
  SLOTS,
  STATE,
  type BodyRing,
  type BodyThreadData,
} from './body-thread-shared.js';

const WORKER_URL = new URL('./body-thread-worker.js', import.meta.url);

/**
 * How long the owner waits without the worker taking a single slot before giving up. Generous: a
 * slot is 2 MiB, which even a slow network disk writes in well under this.
 */
const STALL_MS = 30_000;

/** A worker writing a body to `fd` and hashing it (see the module comment). */
export class BodyThread {
  private produced = 0;
  private finished = false;

  private constructor(
    private readonly ring: BodyRing,
    private readonly worker: Worker,
  ) {}

  /**
   * Starts a worker that writes to `fd` from its current position. Undefined when no built worker
   * script is available or the thread cannot be created: the caller then writes in-thread.
   */
  static start(fd: number): BodyThread | undefined {
    if (WORKER_URL.protocol !== 'file:' || !existsSync(fileURLToPath(WORKER_URL))) return undefined;
    const ring = bodyRing();
    try {
      const workerData: BodyThreadData = { buffer: ring.buffer, fd };
      const worker = new Worker(WORKER_URL, { workerData, stdout: false, stderr: false });
      // Failures are reported through the ring; an 'error' event with no listener would crash the process.
      worker.on('error', () => undefined);
      return new BodyThread(ring, worker);
    } catch {
      return undefined;
    }
  }

  /** Queues `bytes` (copied; the caller may reuse them at once). Throws when the worker failed. */
  add(bytes: Uint8Array): void {
    for (let off = 0; off < bytes.length;) {
      const slot = this.nextSlot();
      const n = Math.min(SLOT_BYTES, bytes.length - off);
      this.ring.data.set(bytes.subarray(off, off + n), slot * SLOT_BYTES);
      this.publish(slot, n);
      off += n;
    }
  }

  /** Ends the body, waits for the worker and returns the digest (`sha256:<hex>`). */
  finish(): string {
    this.publish(this.nextSlot(), END_OF_BODY);
    const { control } = this.ring;
    let waited = 0;
    while (Atomics.load(control, STATE) === RUNNING) {
      if (Atomics.wait(control, STATE, RUNNING, 1000) === 'timed-out' && (waited += 1000) >= STALL_MS)
        this.fail('the body-writer thread stopped answering');
    }
    if (Atomics.load(control, STATE) === FAILED) this.fail(this.resultText());
    this.finished = true;
    return this.resultText();
  }

  /** Stops the worker (after an error on either side); the file is then discarded by the caller. */
  abort(): void {
    this.finished = true;
    void this.worker.terminate();
  }

  /** Waits for a free slot and returns its index. */
  private nextSlot(): number {
    const { control } = this.ring;
    let waited = 0;
    for (;;) {
      if (Atomics.load(control, STATE) === FAILED) this.fail(this.resultText());
      const consumed = Atomics.load(control, CONSUMED);
      if (this.produced - consumed < SLOTS) return this.produced % SLOTS;
      if (Atomics.wait(control, CONSUMED, consumed, 1000) === 'timed-out' && (waited += 1000) >= STALL_MS)
        this.fail('the body-writer thread stopped answering');
    }
  }

  private publish(slot: number, length: number): void {
    if (this.finished) throw new Error('body already finished');
    const { control, lengths } = this.ring;
    Atomics.store(lengths, slot, length);
    this.produced++;
    Atomics.store(control, PRODUCED, this.produced);
    Atomics.notify(control, PRODUCED);
  }

  private resultText(): string {
    const n = Atomics.load(this.ring.control, RESULT_LENGTH);
    return Buffer.from(this.ring.result.subarray(0, n)).toString('utf8');
  }

  private fail(reason: string): never {
    this.abort();
    // The caller wraps this as `cannot write <path>: <reason>` (an errno code such as ENOSPC).
    throw new Error(reason);
  }
}
