/**
 * Progress while targets are processed: a live task list (listr2) on an interactive terminal, plain log
 * lines otherwise (cron, CI, pipes). Either way on stderr: stdout carries only results.
 */
import { Listr, ListrLogger, ProcessOutput } from 'listr2';
import pLimit from 'p-limit';
import type { Logger } from '../log.js';

/** Runs `worker` for every item with bounded concurrency, showing progress; never rejects. */
export async function runWithProgress<T, R extends { status: string }>(
  items: readonly T[],
  nameOf: (item: T) => string,
  worker: (item: T) => Promise<R>,
  options: { concurrency: number; tty: boolean; log: Logger; title: string },
): Promise<R[]> {
  const results = new Array<R>(items.length);
  if (options.tty) {
    const list = new Listr(
      items.map((item, index) => ({
        title: `${nameOf(item)}: ${options.title}`,
        task: async (_ctx: unknown, task: { title: string }) => {
          const result = await worker(item);
          results[index] = result;
          task.title = `${nameOf(item)}: ${result.status}`;
        },
      })),
      {
        concurrent: options.concurrency,
        exitOnError: false,
        // Both of listr2's streams point at stderr: stdout carries only the command's result.
        rendererOptions: {
          logger: new ListrLogger({ processOutput: new ProcessOutput(process.stderr, process.stderr) }),
        },
      },
    );
    await list.run();
    return results;
  }
  const limit = pLimit(options.concurrency);
  await Promise.all(
    items.map((item, index) =>
      limit(async () => {
        options.log.info({ target: nameOf(item) }, `${options.title}: started`);
        const result = await worker(item);
        results[index] = result;
        options.log.info({ target: nameOf(item), status: result.status }, `${options.title}: finished`);
      }),
    ),
  );
  return results;
}
