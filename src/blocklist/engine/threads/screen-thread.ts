/**
 * Screening the lines of a big plain list on a second thread.
 *
 * In a million-line IPv4 feed most lines are a canonical address the guard has nothing against, and
 * all the collector does with one is store its two numbers. Telling those lines apart (classifying
 * the bytes, reading the guard's tables) is most of the work of reading the feed. So the reader
 * hands each buffer of complete lines to a worker, which answers per line "store this value" or
 * "read this line yourself" (screen-thread-shared.ts), and the reader goes on with the previous
 * buffer's answers meanwhile. Lines are still taken one by one, in order, by the reader.
 *
 * The screen is an optimisation only: it is ready once its thread has started (the reader reads
 * lines itself until then), and when the thread fails, every buffer it had is read in-thread
 * instead — nothing is lost. The worker script is the built `.js` beside this module; from the
 * TypeScript sources there is none, and {@link ScreenThread.start} returns undefined.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ScreenReply, ScreenRequest, ScreenThreadData } from './screen-thread-shared.js';

const WORKER_URL = new URL('./screen-thread-worker.js', import.meta.url);

/** Settles one request. */
interface Waiter {
  resolve: (codes: Float64Array) => void;
  reject: (error: Error) => void;
}

/** A worker screening lines (see the module comment). */
export class ScreenThread {
  private started = false;
  private failed = false;
  private next = 0;
  private readonly waiting = new Map<number, Waiter>();

  private constructor(private readonly worker: Worker) {
    worker.on('message', (reply: ScreenReply) => {
      if (reply.kind === 'ready') {
        this.started = true;
        return;
      }
      const waiter = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if (this.waiting.size === 0) worker.unref();
      waiter?.resolve(reply.codes);
    });
    const fail = (error: Error): void => {
      this.failed = true;
      worker.unref();
      for (const waiter of this.waiting.values()) waiter.reject(error);
      this.waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', () => fail(new Error('the line-screen thread exited')));
    // Only a pending request keeps the process alive (the reader awaits it): see submit.
    worker.unref();
  }

  /** Starts a worker, or undefined when there is no built worker script or no thread can start. */
  static start(data: ScreenThreadData): ScreenThread | undefined {
    if (WORKER_URL.protocol !== 'file:' || !existsSync(fileURLToPath(WORKER_URL))) return undefined;
    try {
      return new ScreenThread(new Worker(WORKER_URL, { workerData: data, stdout: false, stderr: false }));
    } catch {
      return undefined;
    }
  }

  /** True once the thread runs and while it has not failed. */
  get ready(): boolean {
    return this.started && !this.failed;
  }

  /**
   * Screens a copy of `lines` (complete lines, each ending in a LF): one code per line, in order.
   * Rejects when the thread fails; the caller then reads those lines itself.
   */
  submit(lines: Uint8Array): Promise<Float64Array> {
    const bytes = new Uint8Array(lines.length);
    bytes.set(lines);
    const id = this.next++;
    return new Promise<Float64Array>((resolve, reject) => {
      if (this.failed) {
        reject(new Error('the line-screen thread failed'));
        return;
      }
      if (this.waiting.size === 0) this.worker.ref();
      this.waiting.set(id, { resolve, reject });
      const request: ScreenRequest = { id, bytes };
      this.worker.postMessage(request, [bytes.buffer]);
    });
  }

  /** Stops the thread (pending requests are rejected). */
  close(): void {
    this.failed = true;
    void this.worker.terminate();
  }
}
