/**
 * RouterOS API query evaluation for the simulator's `print`: a stack machine over `?` words, as in the
 * manual. The stack starts as infinitely many `true`s; every query word pushes one boolean; `?#` applies
 * operations; an item is returned only if no `false` is left on the stack.
 */

/** A row as the simulator stores it: every property a string, `.id` included. */
export type SimRow = Readonly<Record<string, string>>;

/** A query word the simulator cannot understand (reported to the client as a trap). */
export class QuerySyntaxError extends Error {}

function compare(a: string, b: string): number {
  const x = Number(a);
  const y = Number(b);
  if (a !== '' && b !== '' && Number.isFinite(x) && Number.isFinite(y)) return x - y;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Evaluates one non-`#` query word (without its `?`) against a row. */
function test(word: string, row: SimRow): boolean {
  if (word.startsWith('-')) return row[word.slice(1)] === undefined;
  const op = word[0] === '<' || word[0] === '>' ? word[0] : '';
  const body = op === '' ? word : word.slice(1);
  const eq = body.indexOf('=');
  if (eq < 0) {
    if (op !== '') throw new QuerySyntaxError(`bad query ?${word}`);
    return row[body] !== undefined;
  }
  const name = body.slice(0, eq);
  const value = body.slice(eq + 1);
  const actual = row[name];
  if (op === '') return (actual ?? '') === value;
  if (actual === undefined) return false;
  return op === '<' ? compare(actual, value) < 0 : compare(actual, value) > 0;
}

/** Applies a `?#` operation string to the stack (top of stack = last element). */
function applyOps(ops: string, stack: boolean[]): void {
  const pop = (): boolean => stack.pop() ?? true; // below the bottom: infinite trues
  const at = (i: number): boolean => (i < stack.length ? (stack[stack.length - 1 - i] ?? true) : true);
  let i = 0;
  let afterIndex = false;
  while (i < ops.length) {
    const c = ops.charAt(i);
    if (c >= '0' && c <= '9') {
      let j = i;
      while (j < ops.length && ops.charAt(j) >= '0' && ops.charAt(j) <= '9') j++;
      const v = at(Number(ops.slice(i, j)));
      if (j === ops.length)
        stack.splice(0, stack.length, v); // index at end of word: replace all
      else stack.push(v);
      i = j;
      afterIndex = true;
      continue;
    }
    switch (c) {
      case '!':
        stack.push(!pop());
        break;
      case '&': {
        const a = pop();
        const b = pop();
        stack.push(a && b);
        break;
      }
      case '|': {
        const a = pop();
        const b = pop();
        stack.push(a || b);
        break;
      }
      case '.':
        if (!afterIndex) stack.push(at(0));
        break;
      default:
        throw new QuerySyntaxError(`bad query operation ${c}`);
    }
    afterIndex = false;
    i++;
  }
}

/**
 * True when `row` passes the query words (each without its leading `?`).
 * @throws QuerySyntaxError on an unknown operation.
 */
export function matchesQuery(queries: readonly string[], row: SimRow): boolean {
  if (queries.length === 0) return true;
  const stack: boolean[] = [];
  for (const q of queries) {
    if (q.startsWith('#')) applyOps(q.slice(1), stack);
    else stack.push(test(q, row));
  }
  return stack.every(Boolean);
}

/** Restricts a row to `.proplist` (comma-separated names), keeping the list's order. */
export function project(row: SimRow, proplist: string | undefined): Record<string, string> {
  if (proplist === undefined) return { ...row };
  const out: Record<string, string> = {};
  for (const name of proplist.split(',')) {
    const v = row[name];
    if (v !== undefined) out[name] = v;
  }
  return out;
}
