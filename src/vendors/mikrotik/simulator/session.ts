/**
 * One API session of the simulated router: login, commands processed in order like a real router's single
 * API session (each answered `latencyMs` after it arrived), `.tag` echoed on every reply, `!empty` on ≥ 7.18,
 * `!trap` always followed by `!done`, `!fatal` + bare reason word before closing, `/cancel` of queued work.
 * This file decides when a sentence runs and where its replies go; what it is answered is in answers.ts.
 */
import type { Socket } from 'node:net';
import {
  encodeSentence,
  encodeWord,
  parseSentence,
  SentenceDecoder,
  type ParsedSentence,
} from '../protocol.js';
import { answerCommand, SimLogin } from './answers.js';
import type { SimSessionHost } from './session-host.js';
import type { SimReply } from './state.js';
import type { SimUser } from './users.js';

/** A client connection to the simulated router. */
export class SimSession {
  private readonly decoder = new SentenceDecoder();
  private readonly queue: { s: ParsedSentence; at: number }[] = [];
  private loggedIn = false;
  private user: SimUser | undefined;
  private readonly login = new SimLogin();
  private busy = false;
  private due = 0;
  private closed = false;
  /** Replies are collected here instead of written while a concurrent job starts. */
  private sink: Buffer[] | undefined;
  private lastResult: SimReply | undefined;
  private readonly running = new Map<string, { cancelled: boolean }>();

  constructor(
    private readonly socket: Socket,
    private readonly id: number,
    private readonly host: SimSessionHost,
  ) {
    socket.on('data', (chunk: Buffer) => {
      this.onData(chunk);
    });
    socket.on('error', () => {
      this.closed = true;
    });
    socket.on('close', () => {
      this.closed = true;
    });
  }

  /** Re-read on every use (a command may close the session). */
  private get open(): boolean {
    return !this.closed;
  }

  private onData(chunk: Buffer): void {
    let sentences: string[][];
    try {
      sentences = this.decoder.push(chunk);
    } catch {
      this.socket.destroy(); // reserved control byte / bad prefix: the session cannot continue
      return;
    }
    for (const words of sentences) {
      const s = parseSentence(words);
      const attributes = { ...s.attributes };
      if (attributes.password !== undefined) attributes.password = '***';
      this.host.log({ connection: this.id, command: s.head, attributes, queries: s.queries, tag: s.tag });
      if (s.head === '/cancel' && this.loggedIn) this.cancel(s);
      else if (this.host.scanCostUs > 0) this.start(s);
      else this.queue.push({ s, at: Date.now() });
    }
    this.host.inFlight(this.queue.length + (this.busy ? 1 : 0) + this.running.size);
    this.pump();
  }

  private pump(): void {
    if (this.busy || this.closed) return;
    const latency = this.host.latencyMs;
    if (latency <= 0) {
      this.socket.cork();
      while (this.queue.length > 0 && this.open) this.execute(this.queue.shift()?.s);
      this.socket.uncork();
      return;
    }
    const next = this.queue.shift();
    if (next === undefined) return;
    this.busy = true;
    // `latencyMs` is added latency per command (link and API round trip), not device CPU time: a command
    // is answered `latency` after it arrived, in order, and commands in flight overlap — as on a real
    // router reached over a network, where a sequential client pays the latency once per command and a
    // pipelined one pays it about once per window. Device time, not timer time, so jitter does not add up.
    this.due = Math.max(this.due, next.at + latency);
    const run = (): void => {
      this.busy = false;
      if (this.closed) return;
      this.execute(next.s);
      this.pump();
    };
    const wait = this.due - Date.now();
    if (wait <= 0) setImmediate(run);
    else setTimeout(run, wait);
  }

  private execute(s: ParsedSentence | undefined): void {
    if (s === undefined) return;
    this.effects(s);
    this.afterAnswer();
  }

  private effects(s: ParsedSentence): void {
    const reply = this.reply.bind(this);
    if (s.head === '/login') {
      const user = this.login.answer(s, this.host, reply);
      if (user !== undefined) {
        this.user = user;
        this.loggedIn = true;
      }
    } else if (!this.loggedIn) this.fatal('not logged in');
    else if (s.head === '/quit') this.fatal('session terminated on request');
    else {
      const result = answerCommand(s, this.host, this.user, reply);
      if (result !== undefined) this.lastResult = result;
    }
  }

  /** The one-shot connection drop, counted in answered commands. */
  private afterAnswer(): void {
    if (!this.closed && this.host.dropNow()) {
      this.closed = true;
      this.socket.destroy();
    }
  }

  /**
   * Concurrent mode: the command takes effect now and is answered when its CPU work (rows scanned ×
   * `scanCostUs`, shared with every other running command) is done and `latencyMs` has passed; the rows
   * a `print` finds stream out as the scan reaches them, so a scan that finds nothing is silent.
   */
  private start(s: ParsedSentence): void {
    const ready = Date.now() + this.host.latencyMs;
    const key = s.tag ?? '';
    const job = { cancelled: false };
    this.running.set(key, job);
    const quit = s.head === '/quit' && this.loggedIn;
    this.sink = [];
    this.lastResult = undefined;
    if (!quit) this.effects(s);
    const frames = this.sink;
    const result = this.lastResult as SimReply | undefined;
    this.sink = undefined;
    const cost = this.host.scanCostUs / 1000;
    const positions = result?.positions ?? [];
    let sent = 0;
    const flush = (upTo: number): void => {
      if (job.cancelled || this.closed || Date.now() < ready || upTo <= sent) return;
      this.socket.write(Buffer.concat(frames.slice(sent, upTo)));
      sent = upTo;
    };
    const found = (done: number): void => {
      let k = sent;
      while (k < positions.length && ((positions[k] ?? 0) + 1) * cost <= done) k++;
      flush(k);
    };
    void this.host.cpu
      .run((result?.scanned ?? 0) * cost, found)
      .then(() => new Promise((resolve) => setTimeout(resolve, Math.max(0, ready - Date.now()))))
      .then(() => {
        this.running.delete(key);
        if (job.cancelled || this.closed) return;
        flush(frames.length);
        if (quit) this.fatal('session terminated on request');
        else this.afterAnswer();
      });
  }

  /** `/cancel [=tag=N]`: queued commands with that tag (all without it) answer `interrupted`. */
  private cancel(s: ParsedSentence): void {
    const which = s.attributes.tag;
    for (const [tag, job] of this.running) {
      if (job.cancelled || (which !== undefined && tag !== which)) continue;
      job.cancelled = true;
      this.running.delete(tag);
      this.reply(tag, '!trap', { category: '2', message: 'interrupted' });
      this.reply(tag, '!done', {});
    }
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const q = this.queue[i]?.s;
      if (q === undefined || q.head === '/login' || (which !== undefined && q.tag !== which)) continue;
      this.queue.splice(i, 1);
      this.reply(q.tag, '!trap', { category: '2', message: 'interrupted' });
      this.reply(q.tag, '!done', {});
    }
    this.reply(s.tag, '!done', {});
  }

  private fatal(reason: string): void {
    this.socket.write(encodeSentence(['!fatal', reason]));
    this.closed = true;
    this.socket.end();
  }

  private reply(tag: string | undefined, head: string, attrs: Record<string, string>): void {
    const words = [head];
    if (tag !== undefined && tag !== '') words.push(`.tag=${tag}`);
    for (const [k, v] of Object.entries(attrs)) words.push(`=${k}=${v}`);
    // Raw framing (no validation): a value another client stored may hold anything, it must not throw here.
    const frame = Buffer.concat([...words.map((w) => encodeWord(w)), Buffer.from([0])]);
    if (this.sink !== undefined) this.sink.push(frame);
    else this.socket.write(frame);
  }
}
