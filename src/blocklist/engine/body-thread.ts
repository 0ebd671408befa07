/**
 * Writing and hashing a big blocklist body on a second thread.
 *
 * Formatting a million entries, writing the 100 MB they make and hashing them are each work of the
 * same order; the last two need nothing from the first but its bytes. So the main thread formats
 * into buffers that it hands to a worker (their memory is transferred, not copied), and the worker
 * hashes behind it on the other core and hands the buffers back. Who writes a buffer is decided as
 * it is handed over, by who is behind: the worker writes it when it has caught up with the buffers
 * before, the main thread (before handing it over) when the worker still has
 * {@link OWNER_WRITES_FROM} of them. Which of writing and hashing costs more depends on the machine
 * and its disk, so no fixed split suits every host; this one keeps both threads busy. Every buffer
 * is written at its own position in the file (pwrite), so the two writers need no order between
 * them: the file gets the same bytes as in-thread and the digest is the same
 * (test/blocklist/engine/body-thread.test.ts compares the two).
 *
 * Everything stays synchronous for the caller: it blocks (`Atomics.wait`) only when all its buffers
 * are with the worker, and at the end for the digest. The worker script is the built `.js` beside
 * this module; when it is absent (running from TypeScript sources), {@link BodyThread.start} returns
 * undefined and the caller writes in-thread.
 *
 * A thread takes a while to start (a fresh V8 isolate loading its modules). A caller that will
 * write a big body can start one ahead with {@link BodyThread.startAhead} while it compiles; the
 * next {@link BodyThread.start} then takes that thread, ready, and hands it the file.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import {
  ABORTED,
  bodyControl,
  BUSY,
  FAILED,
  RESULT_LENGTH,
  RETURNED,
  RUNNING,
  STARTED,
  STATE,
  type BodyControl,
  type BodyMessage,
  type BodyThreadData,
} from './body-thread-shared.js';
import { writeAllAt } from '../../util/atomic.js';
import { BYTE_WRITER_CAPACITY, ByteWriter } from './byte-writer.js';

const WORKER_URL = new URL('./body-thread-worker.js', import.meta.url);

/** Buffers in circulation: 16 MiB lets the owner run ahead while the worker starts. */
const BUFFERS = 16;

/**
 * How long the owner waits without the worker answering before giving up. Generous: a buffer is
 * 1 MiB, which even a slow network disk writes in well under this.
 */
const STALL_MS = 30_000;
/** How long a worker may take to start (it normally is ready long before). */
const START_MS = 10_000;

/**
 * Buffers still with the worker from which the main thread writes the next one itself: one being
 * worked on and one waiting keep the worker busy until the main thread has the next.
 */
const OWNER_WRITES_FROM = 2;

/** A worker started ahead of its file ({@link BodyThread.startAhead}), not yet taken. */
interface ReadyWorker {
  control: BodyControl;
  port: MessagePort;
  worker: Worker;
}
let ahead: ReadyWorker | undefined;

/** A worker writing a body to `fd` and hashing it (see the module comment). */
export class BodyThread {
  private allocated = 0;
  private sent = 0;
  private finished = false;

  private constructor(
    private readonly control: BodyControl,
    private readonly port: MessagePort,
    private readonly worker: Worker,
    private readonly fd: number,
    /** Where the next buffer handed over goes in the file. */
    private position: number,
  ) {}

  /**
   * Starts a worker that writes to `fd` from byte `position` on (the one started ahead, if any); the
   * descriptor's own offset is neither used nor moved. Undefined when no built worker script is
   * available or the thread cannot be created: the caller then writes in-thread.
   */
  static start(fd: number, position: number): BodyThread | undefined {
    const ready = ahead;
    ahead = undefined;
    if (ready !== undefined) {
      ready.port.postMessage({ kind: 'file', fd } satisfies BodyMessage);
      return new BodyThread(ready.control, ready.port, ready.worker, fd, position);
    }
    const started = startWorker(fd);
    return started && new BodyThread(started.control, started.port, started.worker, fd, position);
  }

  /**
   * Starts a worker now for the next {@link start}, so that its start-up overlaps the caller's work.
   * A worker never taken does not keep the process alive; a second call keeps the first worker.
   */
  static startAhead(): void {
    if (ahead !== undefined) return;
    ahead = startWorker(undefined);
    ahead?.worker.unref();
  }

  /** A writer whose bytes go to the file through this thread (`hashed`: they count in the digest). */
  writer(hashed: boolean): ByteWriter {
    return ByteWriter.handingOff((bytes) => this.send(bytes, hashed), this.freeBuffer());
  }

  /** Ends the body, waits for the worker and returns the digest (`sha256:<hex>`) of the hashed bytes. */
  finish(): string {
    this.post({ kind: 'end' });
    this.finished = true;
    this.waitWhile(STATE, () => Atomics.load(this.control.words, STATE) === RUNNING);
    if (Atomics.load(this.control.words, STATE) === FAILED) this.fail();
    this.port.close();
    return this.resultText();
  }

  /**
   * Stops the worker (after an error on either side) and returns once it writes no more, so the
   * caller may close the descriptor and discard the file: a write still queued must never land in
   * whatever file reuses the descriptor's number.
   */
  abort(): void {
    this.finished = true;
    const { words } = this.control;
    Atomics.compareExchange(words, STATE, RUNNING, ABORTED);
    // A write in progress finishes (or fails) within the stall limit; then the worker sees ABORTED.
    for (let waited = 0; Atomics.load(words, BUSY) === 1 && waited < STALL_MS; waited += 100)
      Atomics.wait(words, BUSY, 1, 100);
    this.port.close();
    void this.worker.terminate();
  }

  /**
   * Hands `bytes` (a view from the start of a buffer of ours) to the worker, written here first when
   * the worker is behind (see the module comment); returns a buffer to go on with.
   */
  private send(bytes: Buffer, hashed: boolean): Buffer {
    const { position } = this;
    this.position += bytes.length;
    const written = this.sent - Atomics.load(this.control.words, RETURNED) >= OWNER_WRITES_FROM;
    if (written) {
      try {
        writeAllAt(this.fd, bytes, position);
      } catch (err) {
        // The worker may still hold buffers to write: stop it before the caller closes the file.
        this.abort();
        throw err;
      }
    }
    const buffer = bytes.buffer as ArrayBuffer;
    this.post({ kind: 'bytes', buffer, length: bytes.length, position, hashed, written }, [buffer]);
    this.sent++;
    return this.freeBuffer();
  }

  private post(message: BodyMessage, transfer: ArrayBuffer[] = []): void {
    if (this.finished) throw new Error('the body was already finished');
    if (Atomics.load(this.control.words, STATE) === FAILED) this.fail();
    this.port.postMessage(message, transfer);
  }

  /** A buffer back from the worker, a new one while fewer than {@link BUFFERS} exist, or waits. */
  private freeBuffer(): Buffer {
    let returned = receiveMessageOnPort(this.port);
    if (returned === undefined && this.allocated < BUFFERS) {
      this.allocated++;
      return Buffer.allocUnsafeSlow(BYTE_WRITER_CAPACITY);
    }
    while (returned === undefined) {
      const seen = Atomics.load(this.control.words, RETURNED);
      returned = receiveMessageOnPort(this.port);
      if (returned !== undefined) break;
      if (Atomics.load(this.control.words, STATE) === FAILED) this.fail();
      this.waitWhile(RETURNED, () => Atomics.load(this.control.words, RETURNED) === seen);
    }
    return Buffer.from(returned.message as ArrayBuffer);
  }

  /**
   * Sleeps on control word `index` while `blocked()`, until the worker reports a failure (the caller
   * checks `STATE`); throws when it never started ({@link START_MS}) or stops answering ({@link STALL_MS}).
   */
  private waitWhile(index: number, blocked: () => boolean): void {
    const { words } = this.control;
    for (let waited = 0; blocked();) {
      if (Atomics.load(words, STATE) === FAILED) return;
      const value = Atomics.load(words, index);
      if (!blocked()) return;
      if (Atomics.wait(words, index, value, 1000) !== 'timed-out') continue;
      waited += 1000;
      if (Atomics.load(words, STARTED) === 0 && waited >= START_MS) {
        this.abort();
        throw new Error('the body-writer thread did not start');
      }
      if (waited >= STALL_MS) {
        this.abort();
        throw new Error('the body-writer thread stopped answering');
      }
    }
  }

  private resultText(): string {
    const n = Atomics.load(this.control.words, RESULT_LENGTH);
    return Buffer.from(this.control.result.subarray(0, n)).toString('utf8');
  }

  private fail(): never {
    const reason = this.resultText();
    this.abort();
    // The caller wraps this as `cannot write <path>: <reason>` (an errno code such as ENOSPC).
    throw new Error(reason);
  }
}

/** Starts a worker for `fd` (undefined: told later), or undefined when none can be started. */
function startWorker(fd: number | undefined): ReadyWorker | undefined {
  if (WORKER_URL.protocol !== 'file:' || !existsSync(fileURLToPath(WORKER_URL))) return undefined;
  const control = bodyControl();
  const { port1, port2 } = new MessageChannel();
  try {
    const workerData: BodyThreadData = { control: control.buffer, fd, port: port2 };
    const worker = new Worker(WORKER_URL, {
      workerData,
      transferList: [port2],
      stdout: false,
      stderr: false,
    });
    // Failures are reported through the control words; an 'error' event with no listener would
    // crash the process.
    worker.on('error', () => undefined);
    return { control, port: port1, worker };
  } catch {
    port1.close();
    return undefined;
  }
}
