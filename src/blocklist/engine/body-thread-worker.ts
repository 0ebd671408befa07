/**
 * The body-writer thread (started by body-thread.ts): writes each buffer it is sent at the file
 * position, hashes the digested ones in their newline-free form, and sends the buffer back to be
 * filled again, while the main thread formats the next entries. It imports nothing but Node
 * built-ins, the newline filter and `writeAll`, so it starts quickly.
 */
import { createHash } from 'node:crypto';
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
import { writeAll } from '../../util/atomic.js';

const { control: sab, fd, port } = workerData as BodyThreadData;
const { words, result } = bodyControl(sab);
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

function handle(message: BodyMessage): void {
  if (message.kind === 'end') {
    finish(DONE, `sha256:${hash.update(']').digest('hex')}`);
    port.close();
    return;
  }
  const bytes = Buffer.from(message.buffer, 0, message.length);
  writeAll(fd, bytes);
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
