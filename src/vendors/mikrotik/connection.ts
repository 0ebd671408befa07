/**
 * One RouterOS API connection: frames outgoing sentences, decodes replies and routes them by `.tag` to the
 * command that owns them. Nothing in a socket handler throws: every failure becomes a rejected promise
 * (for one tag, or for every pending command when the connection itself is lost).
 */
import type { Socket } from 'node:net';
import { VendorError } from '../../errors.js';
import { encodeSentence, parseSentence, SentenceDecoder } from './protocol.js';

/** A successful command: the `!re` rows and the attributes of the closing `!done` (e.g. `ret`). */
export interface RouterOsReply {
  rows: Record<string, string>[];
  done: Record<string, string>;
}

/** A command the device refused with `!trap` (after its closing `!done` arrived). */
export class RouterOsTrapError extends VendorError {
  constructor(
    message: string,
    /** The trap's `=message=` (device text, e.g. `failure: already have such entry`). */
    readonly trapMessage: string,
    /** The trap's `=category=` (0 missing item/command … 7), undefined when the device sent none. */
    readonly category: number | undefined,
    details: { target?: string; operation?: string },
  ) {
    super(message, { vendor: 'mikrotik', ...details, transient: category === 2 });
  }
}

interface Pending {
  command: string;
  /** Longest silence tolerated while this command is pending (ms). */
  quietMs: number;
  rows: Record<string, string>[];
  trap?: { message: string; category: number | undefined };
  resolve: (reply: RouterOsReply) => void;
  reject: (err: VendorError) => void;
}

/** Routes replies of many tagged commands in flight on one socket. */
export class RouterOsConnection {
  private readonly decoder = new SentenceDecoder();
  private readonly pending = new Map<string, Pending>();
  private nextTag = 1;
  private failure: VendorError | undefined;
  private lastActivity = Date.now();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly socket: Socket,
    private readonly target: string,
    private readonly timeoutMs: number,
  ) {
    socket.on('data', (chunk: Buffer) => {
      this.lastActivity = Date.now();
      this.onData(chunk);
    });
    socket.on('error', (err) => {
      this.fail(`connection error: ${err.message}`);
    });
    socket.on('close', () => {
      this.fail('connection closed');
    });
  }

  /**
   * Inactivity, not per-command: 25,000 pipelined adds legitimately take longer than one timeout. The
   * silence tolerated is the largest allowance among pending commands: a `print` whose query matches
   * little makes the router scan the whole menu without a word (firmware-fidelity M5).
   */
  private arm(delay: number): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.pending.size === 0 || this.failure !== undefined) return;
      const limit = Math.max(...[...this.pending.values()].map((p) => p.quietMs));
      const idle = Date.now() - this.lastActivity;
      if (idle < limit) {
        this.arm(limit - idle);
        return;
      }
      this.fail(`no reply for ${limit} ms`);
      this.socket.destroy();
    }, delay);
    this.timer.unref();
  }

  /** True until the connection failed or was closed. */
  get alive(): boolean {
    return this.failure === undefined;
  }

  /** Commands sent and not yet completed. */
  get inFlight(): number {
    return this.pending.size;
  }

  /**
   * Sends one command (already validated words, without `.tag`) and resolves with its reply.
   * Rejects with `RouterOsTrapError` on `!trap`, `VendorError` (transient) when the connection is lost.
   */
  send(words: readonly string[], quietMs = this.timeoutMs): Promise<RouterOsReply> {
    const command = words[0] ?? '';
    if (this.failure !== undefined) return Promise.reject(this.lost(command, this.failure.message));
    const tag = String(this.nextTag++);
    let frame: Buffer;
    try {
      frame = encodeSentence([...words, `.tag=${tag}`]);
    } catch (err) {
      return Promise.reject(this.error(`cannot encode ${command}: ${(err as Error).message}`, command));
    }
    return new Promise<RouterOsReply>((resolve, reject) => {
      if (this.pending.size === 0) this.lastActivity = Date.now();
      this.pending.set(tag, {
        command,
        quietMs: Math.max(quietMs, this.timeoutMs),
        rows: [],
        resolve,
        reject,
      });
      this.arm(this.timeoutMs);
      this.socket.write(frame);
    });
  }

  /** Ends the connection; pending commands reject as lost. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed) {
        resolve();
        return;
      }
      this.socket.once('close', () => {
        resolve();
      });
      this.socket.end();
      setTimeout(() => this.socket.destroy(), 1000).unref();
    });
  }

  private onData(chunk: Buffer): void {
    let sentences: string[][];
    try {
      sentences = this.decoder.push(chunk);
    } catch (err) {
      this.fail(`protocol error: ${(err as Error).message}`);
      this.socket.destroy();
      return;
    }
    for (const words of sentences) this.onSentence(words);
  }

  private onSentence(words: string[]): void {
    const s = parseSentence(words);
    if (s.head === '!fatal') {
      // The reason is a bare word, not `=message=`; the device closes the socket right after.
      this.fail(`fatal: ${s.other.join(' ') || s.attributes.message || 'no reason'}`, false);
      this.socket.destroy();
      return;
    }
    const p = s.tag === undefined ? undefined : this.pending.get(s.tag);
    if (p === undefined || s.tag === undefined) return; // untagged or already settled: nothing waits for it
    switch (s.head) {
      case '!re':
        p.rows.push(s.attributes);
        return;
      case '!empty':
        return; // RouterOS ≥ 7.18: "nothing to return"; the `!done` that follows completes the command
      case '!trap': {
        const category = s.attributes.category === undefined ? undefined : Number(s.attributes.category);
        const message = s.attributes.message ?? 'trap without message';
        // Several traps (unknown command → two): keep the first, most specific one.
        p.trap ??= { message, category };
        return;
      }
      case '!done':
        this.pending.delete(s.tag);
        if (p.trap === undefined) p.resolve({ rows: p.rows, done: s.attributes });
        else
          p.reject(
            new RouterOsTrapError(
              `${p.command} refused by ${this.target}: ${p.trap.message}`,
              p.trap.message,
              p.trap.category,
              {
                target: this.target,
                operation: p.command,
              },
            ),
          );
        return;
      default:
        this.pending.delete(s.tag);
        p.reject(
          this.error(`protocol error: unknown reply ${JSON.stringify(s.head)} to ${p.command}`, p.command),
        );
    }
  }

  private fail(reason: string, transient = true): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.failure ??= this.error(reason, 'connection', transient);
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(this.lost(p.command, reason, transient));
  }

  private lost(command: string, reason: string, transient = true): VendorError {
    return this.error(`${command} on ${this.target} failed: ${reason}`, command, transient);
  }

  private error(message: string, operation: string, transient = false): VendorError {
    return new VendorError(message, { vendor: 'mikrotik', target: this.target, operation, transient });
  }
}
