import { describe, expect, it } from 'vitest';
import { runWithProgress } from '../../src/apply/progress.js';
import { silentLogger } from '../../src/log.js';

async function run(tty: boolean) {
  let running = 0;
  let most = 0;
  const results = await runWithProgress(
    ['a', 'b', 'c', 'd', 'e'],
    (x) => x,
    async (x) => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 20));
      running -= 1;
      return { status: x === 'c' ? 'error' : 'ok', name: x };
    },
    { concurrency: 2, tty, log: silentLogger, title: 'sync' },
  );
  return { results, most };
}

describe('src/apply/progress', () => {
  for (const tty of [false, true]) {
    it(`runs every item with bounded concurrency and keeps results in order (${tty ? 'task list' : 'log lines'})`, async () => {
      const { results, most } = await run(tty);
      expect(results.map((r) => `${r.name}:${r.status}`)).toEqual([
        'a:ok',
        'b:ok',
        'c:error',
        'd:ok',
        'e:ok',
      ]);
      expect(most).toBe(2);
    });
  }
});
