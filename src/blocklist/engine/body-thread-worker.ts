/**
 * The body-writer thread (started by body-thread.ts): writes each buffer it is sent at the position
 * the owner gave it (unless the owner wrote it already), hashes the digested ones in their
 * newline-free form, and sends the buffer back to be filled again, while the main thread formats
 * the next entries. It imports nothing but Node
 * built-ins, the newline filter and `writeAllAt`, so it starts quickly.
 *
 * Every {@link SYNC_EVERY} bytes (written by either thread) it asks the kernel (on libuv's pool, without waiting) to write what
 * it has so far to the disk, so the owner's final fsync finds little left to do: a 70 MB blocklist
 * otherwise spent a tenth of a second there, after everything else was done. A failed sync fails
 * the body: its error would not be reported again to the owner's fsync of the same open file.
 */
import { createHash } from 'node:crypto';
import { fdatasync } from 'node:fs';
import { workerData } from 'node:worker_threads';
import {
  bodyControl,
  BUSY,
  DONE,
  FAILED,
  RESULT_LENGTH,
  RETURNED,
  RUNNING,
  STARTED,
  STATE,
  type BodyMessage,
  type BodyThreadData,
} from './body-thread-shared.js';
import { dropNewlines } from './byte-writer.js';
import { writeAllAt } from '../../util/atomic.js';

const data = workerData as BodyThreadData;
const { port } = data;
let fd = data.fd;
const { words, result } = bodyControl(data.control);

/** Bytes between early syncs: large enough that each is one long sequential write-out. */
const SYNC_EVERY = 8 * 1024 * 1024;
let unsynced = 0;
let syncsPending = 0;
let syncError: string | undefined;
let ending = false;
// Same start as BodyHasher: the digest covers `[` entries joined by `,` `]`.
const hash = createHash('sha256').update('[');
Atomics.store(words, STARTED, 1);

/** Publishes the outcome and wakes the owner, whichever word it sleeps on. */
function finish(state: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8').subarray(0, result.length);
  result.set(bytes);
  Atomics.store(words, RESULT_LENGTH, bytes.length);
  Atomics.store(words, STATE, state);
  Atomics.notify(words, STATE);
  Atomics.notify(words, RETURNED);
}

/** Reports the end once every early sync has answered (DONE, or FAILED with the sync's error). */
function endWhenSynced(): void {
  if (!ending || syncsPending > 0) return;
  if (syncError !== undefined) finish(FAILED, syncError);
  else finish(DONE, `sha256:${hash.update(']').digest('hex')}`);
  port.close();
}

/** Starts an early sync of what was written so far (see the module comment). */
function syncEarly(target: number): void {
  syncsPending++;
  fdatasync(target, (err) => {
    syncsPending--;
    if (err) syncError ??= err.code ?? err.message;
    endWhenSynced();
  });
}

function handle(message: BodyMessage): void {
  if (message.kind === 'file') {
    fd = message.fd;
    return;
  }
  if (message.kind === 'end') {
    ending = true;
    endWhenSynced();
    return;
  }
  if (fd === undefined) throw new Error('no file to write to');
  const bytes = Buffer.from(message.buffer, 0, message.length);
  if (!message.written) writeAllAt(fd, bytes, message.position);
  unsynced += bytes.length;
  if (unsynced >= SYNC_EVERY) {
    unsynced = 0;
    syncEarly(fd);
  }
  if (message.hashed) hash.update(bytes.subarray(0, dropNewlines(bytes)));
  port.postMessage(message.buffer, [message.buffer]);
  Atomics.add(words, RETURNED, 1);
  Atomics.notify(words, RETURNED);
}

port.on('message', (message: BodyMessage) => {
  // BUSY before STATE (and the owner the other way round): an abort never overlaps a write.
  Atomics.store(words, BUSY, 1);
  try {
    if (Atomics.load(words, STATE) !== RUNNING) {
      port.close();
      return;
    }
    handle(message);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    finish(FAILED, e.code ?? e.message);
    port.close();
  } finally {
    Atomics.store(words, BUSY, 0);
    Atomics.notify(words, BUSY);
  }
});
