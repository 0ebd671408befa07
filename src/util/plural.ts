/**
 * Counted nouns in human output ("1 indicator", "2 indicators").
 */

/** `count` and `noun`, with `plural` (default: noun + "s") unless the count is exactly one. */
export function counted(count: number, noun: string, plural = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : plural}`;
}
