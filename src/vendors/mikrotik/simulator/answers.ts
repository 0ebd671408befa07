/**
 * What the simulated router answers to one sentence once its turn comes: `/login` (modern, or the
 * pre-6.43 challenge) and every other command (policy check, the router's menus, traps, `!empty` on
 * ≥ 7.18). The session (session.ts) decides when a sentence runs and where the replies go. Sources:
 * the RouterOS manual, "API" (help.mikrotik.com/docs/display/ROS/API: the login sentence, and the
 * challenge login of versions before 6.43, `!trap`, `!done`) and the 7.18 changelog (`!empty`, cited
 * at its release range in ../releases.ts).
 */
import { randomBytes } from 'node:crypto';
import type { ParsedSentence } from '../protocol.js';
import type { SimSessionHost } from './session-host.js';
import { allowed, findUser, NOT_ENOUGH_PERMISSIONS, type SimUser } from './users.js';
import { SimTrap, type SimReply } from './state.js';

/** Sends one reply sentence (`!re`, `!trap`, `!empty`, `!done`) with the command's `.tag`. */
export type SimReplyFn = (tag: string | undefined, head: string, attrs: Record<string, string>) => void;

/** One session's login: the challenge of a pre-6.43 exchange lives between its two `/login`s. */
export class SimLogin {
  private challenge: Buffer | undefined;

  /** Answers one `/login`; returns the user when it logged in. */
  answer(s: ParsedSentence, host: SimSessionHost, reply: SimReplyFn): SimUser | undefined {
    const { name, password, response } = s.attributes;
    if (host.legacyLogin && response === undefined) {
      this.challenge = randomBytes(16);
      reply(s.tag, '!done', { ret: this.challenge.toString('hex') });
      return undefined;
    }
    const user = findUser(host.users, name, password, response, host.legacyLogin, this.challenge);
    if (user === undefined) {
      const message = host.legacyLogin ? 'cannot log in' : 'invalid user name or password (6)';
      reply(s.tag, '!trap', { message });
      reply(s.tag, '!done', {});
      return undefined;
    }
    if (!user.policies.includes('api')) {
      // The `api` policy "grants rights to access router via API" (manual "User"). The exact refusal
      // text on a real router is not documented; the permission trap is modelled.
      reply(s.tag, '!trap', { message: NOT_ENOUGH_PERMISSIONS });
      reply(s.tag, '!done', {});
      return undefined;
    }
    reply(s.tag, '!done', {});
    return user;
  }
}

/**
 * Runs one command of a logged-in `user` and answers it; returns what the router did (undefined after a
 * trap), which the concurrent mode needs for the rows scanned.
 */
export function answerCommand(
  s: ParsedSentence,
  host: SimSessionHost,
  user: SimUser | undefined,
  reply: SimReplyFn,
): SimReply | undefined {
  let result;
  try {
    if (!allowed(user, s.head)) throw new SimTrap(NOT_ENOUGH_PERMISSIONS);
    host.beforeCommand(s.head, s.attributes);
    result = host.router.run(s.head, s.attributes, s.queries);
  } catch (err) {
    const trap = err instanceof SimTrap ? err : new SimTrap('failure: internal simulator error', 4);
    const attrs: Record<string, string> = { message: trap.message };
    if (trap.category !== undefined) attrs.category = String(trap.category);
    reply(s.tag, '!trap', attrs);
    if (trap.message.startsWith('no such command or directory')) {
      reply(s.tag, '!trap', { message: 'no such command prefix' });
    }
    reply(s.tag, '!done', {});
    return undefined;
  }
  for (const row of result.rows) reply(s.tag, '!re', row);
  const isPrint = s.head.endsWith('/print') || s.head.endsWith('/getall');
  if (
    host.release.emptyReply &&
    isPrint &&
    result.rows.length === 0 &&
    Object.keys(result.done).length === 0
  ) {
    reply(s.tag, '!empty', {});
  }
  reply(s.tag, '!done', result.done);
  return result;
}
