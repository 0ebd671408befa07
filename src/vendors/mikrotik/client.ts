/**
 * Our RouterOS binary-API client (replaces node-routeros, see README.md): connect over TCP or API-SSL,
 * log in (modern, falling back to the pre-6.43 challenge), and run tagged commands — many in flight on one
 * connection — with read-only mode enforced before a byte is written.
 */
import { createHash } from 'node:crypto';
import { ReadOnlyViolationError, VendorError } from '../../errors.js';
import type { TlsSettings } from '../tls.js';
import { RouterOsConnection, RouterOsTrapError, type RouterOsReply } from './connection.js';
import { openSocket, tlsFor } from './socket.js';

export { RouterOsTrapError, type RouterOsReply } from './connection.js';

/** One API command: path, `=name=value` attributes and `?query` words (each starting with `?`). */
export interface RouterOsCommand {
  command: string;
  attributes?: Readonly<Record<string, string>>;
  queries?: readonly string[];
}

/** Outcome of one command of a batch: a reply, or the error that command alone met. */
export type RouterOsResult = { ok: true; reply: RouterOsReply } | { ok: false; error: VendorError };

/** The transport seam the adapter uses (the simulator and real routers both speak it). */
export interface RouterOsClient {
  /** Runs one command. Rejects with `RouterOsTrapError`, `ReadOnlyViolationError` or `VendorError`. */
  write(command: RouterOsCommand): Promise<RouterOsReply>;
  /**
   * Runs many commands pipelined on the one connection, at most `window` in flight (default 256), so a
   * bulk push is bound by the device's speed, not by round trips. Per-command traps are returned in the
   * results; a lost connection or a read-only violation rejects the whole call.
   */
  writeMany(commands: readonly RouterOsCommand[], options?: { window?: number }): Promise<RouterOsResult[]>;
  /** Commands sent so far (for `ApplyResult.calls`). */
  readonly commandsSent: number;
  /** False once the connection failed or was closed. */
  readonly alive: boolean;
  close(): Promise<void>;
}

/** How to reach and authenticate to one router. */
export interface RouterOsClientOptions {
  /** `tcp://host[:8728]` or `tls://host[:8729]`. */
  endpoint: string;
  username: string;
  password: string;
  /** Connect timeout, and the longest silence tolerated while commands are pending. */
  timeoutMs: number;
  /**
   * Longest silence tolerated while a `print` is pending (default `timeoutMs`): the router answers a
   * query only after scanning the whole menu, ~1.9 s per 23k rows, longer while other commands compete.
   */
  scanTimeoutMs?: number;
  /** Refuse every command that is not a read (audit, plan). */
  readOnly: boolean;
  tls?: TlsSettings;
  /** Target name for errors and logs. */
  target: string;
}

const COMMAND_RE = /^(\/[a-z0-9-]+)+$|^getall$/;
const NAME_RE = /^\.?[a-z0-9][a-z0-9.-]*$/;
const ID_LIST_RE = /^\*[0-9A-Fa-f]+(,\*[0-9A-Fa-f]+)*$/;
/**
 * Attributes whose value is one `.id` or a comma-separated list of them. What is enforced here is the form
 * only: every item is `*HEX`, no spaces, no other separator, nothing else in the word. A list (`*1,*2`) is
 * allowed because batched `remove`/`set` need it; the adapter builds lists only from ids it parsed out of
 * rows it read (zod: `*HEX`), never from config, feed or device-supplied free text.
 */
const ID_ATTRIBUTES = new Set(['.id', 'numbers', 'place-before', 'destination']);

/** True for the commands a read-only transport may send. */
export function isReadOnlyCommand(command: string): boolean {
  return (
    command === '/login' ||
    command === '/cancel' ||
    command === '/quit' ||
    command === 'getall' ||
    command.endsWith('/print') ||
    command.endsWith('/getall')
  );
}

/**
 * Turns a command into words, refusing what could change the sentence's meaning: bad command paths,
 * attribute names outside `[a-z0-9.-]` (a `=` in a name would move the name/value split), id attributes
 * that are not `*HEX` lists, query words not starting with `?`. (Empty words and NUL bytes are refused by
 * the encoder.)
 * @throws VendorError (not transient)
 */
export function commandWords(cmd: RouterOsCommand, target: string): string[] {
  const bad = (why: string): VendorError =>
    new VendorError(`refusing to send ${cmd.command}: ${why}`, {
      vendor: 'mikrotik',
      target,
      operation: cmd.command,
      transient: false,
    });
  if (!COMMAND_RE.test(cmd.command)) throw bad('bad command path');
  const words = [cmd.command];
  for (const [name, value] of Object.entries(cmd.attributes ?? {})) {
    if (!NAME_RE.test(name)) throw bad(`bad attribute name ${JSON.stringify(name)}`);
    if (ID_ATTRIBUTES.has(name) && !ID_LIST_RE.test(value)) throw bad(`bad id list for ${name}`);
    words.push(`=${name}=${value}`);
  }
  for (const q of cmd.queries ?? []) {
    if (!q.startsWith('?') || q.length < 2) throw bad(`bad query word ${JSON.stringify(q)}`);
    words.push(q);
  }
  return words;
}

/** Splits `tcp://host:port` / `tls://host:port` (bare `host[:port]` means tcp). */
export function parseEndpoint(endpoint: string): { secure: boolean; host: string; port: number } {
  const m = /^(?:(tcp|tls):\/\/)?(\[[^\]]+\]|[^:/]+)(?::(\d+))?\/?$/.exec(endpoint.trim());
  if (m === null) {
    throw new VendorError(`bad RouterOS endpoint ${endpoint}`, { vendor: 'mikrotik', transient: false });
  }
  const secure = m[1] === 'tls';
  const host = (m[2] ?? '').replace(/^\[|\]$/g, '');
  return { secure, host, port: m[3] === undefined ? (secure ? 8729 : 8728) : Number(m[3]) };
}

/**
 * Connects and logs in.
 * @throws VendorError — transient when unreachable or timed out; not transient on bad credentials.
 *   Messages carry the target and operation, never the password.
 */
export async function connectRouterOs(options: RouterOsClientOptions): Promise<RouterOsClient> {
  const { secure, host, port } = parseEndpoint(options.endpoint);
  const tlsOptions = secure ? await tlsFor(options, host, port) : undefined;
  const socket = await openSocket(host, port, options, tlsOptions);
  const client = new TaggedClient(new RouterOsConnection(socket, options.target, options.timeoutMs), options);
  try {
    await client.login(options.username, options.password);
  } catch (err) {
    await client.close();
    throw err;
  }
  return client;
}

class TaggedClient implements RouterOsClient {
  commandsSent = 0;

  constructor(
    private readonly conn: RouterOsConnection,
    private readonly o: RouterOsClientOptions,
  ) {}

  get alive(): boolean {
    return this.conn.alive;
  }

  async login(name: string, password: string): Promise<void> {
    try {
      const first = await this.conn.send(['/login', `=name=${name}`, `=password=${password}`]);
      const challenge = first.done.ret;
      if (challenge === undefined) return;
      // Pre-6.43: the router ignored the password and sent a challenge: 00 + md5(0x00 ‖ password ‖ challenge).
      const md5 = createHash('md5')
        .update(Buffer.from([0]))
        .update(Buffer.from(password, 'utf8'))
        .update(Buffer.from(challenge, 'hex'))
        .digest('hex');
      await this.conn.send(['/login', `=name=${name}`, `=response=00${md5}`]);
    } catch (err) {
      const reason =
        err instanceof RouterOsTrapError ? err.trapMessage : err instanceof Error ? err.message : String(err);
      throw new VendorError(
        `login to ${this.o.target} as ${name} failed: ${reason}`,
        {
          vendor: 'mikrotik',
          target: this.o.target,
          operation: 'login',
          transient: err instanceof VendorError && err.details.transient === true,
        },
        { cause: err },
      );
    }
  }

  write(command: RouterOsCommand): Promise<RouterOsReply> {
    try {
      const words = this.prepare(command);
      this.commandsSent++;
      return this.conn.send(words, this.quiet(command.command));
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  async writeMany(
    commands: readonly RouterOsCommand[],
    options?: { window?: number },
  ): Promise<RouterOsResult[]> {
    const sentences = commands.map((c) => this.prepare(c)); // validate (and read-only check) every one first
    const window = Math.max(1, options?.window ?? 256);
    const results: RouterOsResult[] = new Array<RouterOsResult>(sentences.length);
    let next = 0;
    let lost: VendorError | undefined;
    const lane = async (): Promise<void> => {
      while (next < sentences.length && lost === undefined) {
        const i = next++;
        this.commandsSent++;
        try {
          results[i] = {
            ok: true,
            reply: await this.conn.send(sentences[i] ?? [], this.quiet(commands[i]?.command ?? '')),
          };
        } catch (err) {
          const e = err as VendorError;
          if (e.details.transient === true && !this.conn.alive) lost ??= e;
          results[i] = { ok: false, error: e };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(window, sentences.length) }, lane));
    if (lost !== undefined) throw lost;
    return results;
  }

  close(): Promise<void> {
    return this.conn.close();
  }

  private quiet(command: string): number {
    const reads = command.endsWith('/print') || command.endsWith('/getall');
    return reads ? Math.max(this.o.scanTimeoutMs ?? 0, this.o.timeoutMs) : this.o.timeoutMs;
  }

  private prepare(command: RouterOsCommand): string[] {
    if (this.o.readOnly && !isReadOnlyCommand(command.command)) {
      throw new ReadOnlyViolationError(`read-only transport refused ${command.command} on ${this.o.target}`, {
        vendor: 'mikrotik',
        target: this.o.target,
        operation: command.command,
        transient: false,
      });
    }
    return commandWords(command, this.o.target);
  }
}
