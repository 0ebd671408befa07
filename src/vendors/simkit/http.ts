/**
 * The HTTP plumbing every HTTPS simulator shares (OPNsense, pfSense, Sophos): a bounded request body,
 * Basic credentials, a constant-time secret comparison, a device-time pause and a complete answer with
 * its length. Nothing here is vendor behaviour: status codes, bodies and their content types stay in each
 * vendor's simulator, next to the firmware source they are modelled on.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Reads a whole request body. Past `limitBytes` it rejects and keeps no more of it; the simulator then
 * drops the connection, as a device's web server does with a body over its limit.
 */
export function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limitBytes) reject(new Error('body too large'));
      else chunks.push(c);
    });
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

/**
 * `readBody`, or, past the limit (or when the client aborts), the connection dropped and undefined: what
 * every simulator does with a body it will not read.
 */
export async function readBodyOrDrop(req: IncomingMessage, limitBytes: number): Promise<Buffer | undefined> {
  try {
    return await readBody(req, limitBytes);
  } catch {
    req.socket.destroy();
    return undefined;
  }
}

/** User and password of a `Basic` Authorization header (RFC 7617). */
export interface BasicCredentials {
  user: string;
  password: string;
}

/**
 * The credentials of a `Basic` Authorization header: undefined when the header carries none, null when
 * it is a `Basic` header whose token does not decode to `user:password` (vendors differ in whether that
 * counts as credentials presented, so the caller decides).
 */
export function parseBasicAuth(header: string | undefined): BasicCredentials | null | undefined {
  const token = /^Basic\s+(\S+)$/i.exec(header ?? '')?.[1];
  if (token === undefined) return undefined;
  const decoded = Buffer.from(token, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Constant-time string comparison, for a secret against what a client sent. */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Waits `ms` of simulated device time (none for 0 or less). */
export function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();
}

/** Writes a complete answer: status, `content-type`, `content-length`, any further headers, the body. */
export function sendBody(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

/** Writes `value` as a JSON answer (`contentType`: the vendor's own, e.g. with a charset). */
export function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  contentType = 'application/json',
): void {
  sendBody(res, status, contentType, JSON.stringify(value));
}
