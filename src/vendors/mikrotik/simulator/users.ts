/**
 * RouterOS users as the simulator knows them: name, password, and the policies of the user's group
 * (manual "User": `/user group` policies), checked at login and for every command.
 */
import { createHash } from 'node:crypto';

/** A RouterOS user and the policies of its group (manual "User", `/user group`). */
export interface SimUser {
  name: string;
  password: string;
  /** Group policies: `api` to log in through the API, `read` for `print`, `write` for changes. */
  policies: readonly string[];
}

/**
 * The trap RouterOS answers a command the user's group lacks the policy for (text as routers send it,
 * quoted by many public API clients, e.g. "not enough permissions (9)" for `/tool/fetch` without `ftp`).
 */
export const NOT_ENOUGH_PERMISSIONS = 'not enough permissions (9)';

/**
 * The user a `/login` names when its credentials hold (modern `=password=`, or the pre-6.43 challenge
 * `=response=00` + md5(0x00 ‖ password ‖ challenge)); undefined otherwise.
 */
export function findUser(
  users: readonly SimUser[],
  name: string | undefined,
  password: string | undefined,
  response: string | undefined,
  legacy: boolean,
  challenge: Buffer | undefined,
): SimUser | undefined {
  const user = users.find((u) => u.name === name);
  if (user === undefined) return undefined;
  if (!legacy) return password === user.password ? user : undefined;
  const md5 = createHash('md5')
    .update(Buffer.from([0]))
    .update(Buffer.from(user.password, 'utf8'))
    .update(challenge ?? Buffer.alloc(0))
    .digest('hex');
  return challenge !== undefined && response === `00${md5}` ? user : undefined;
}

/**
 * The policy a command needs: `read` for `print`/`getall` ("all console commands that do not alter
 * router's configuration"), `write` for the rest ("write access to the router's configuration, except
 * for user management") — manual "User", "Config Policies".
 */
export function allowed(user: SimUser | undefined, head: string): boolean {
  const verb = head.slice(head.lastIndexOf('/') + 1);
  const needs = verb === 'print' || verb === 'getall' ? 'read' : 'write';
  return user?.policies.includes(needs) === true;
}
