/**
 * Deals the (vendor module, release) pairs of the conformance suite over `count` test files, so that
 * vitest's workers run them side by side; every pair runs in exactly one file.
 */
import { VENDOR_MODULES } from '../../../src/vendors/index.js';
import { conformanceSuite } from './suite.js';

/** Registers the suite for the pairs of shard `index` (1-based) of `count`. */
export function conformanceShard(index: number, count: number): void {
  const pairs = VENDOR_MODULES.flatMap((module) => module.lab.firmware.map((range) => ({ module, range })));
  pairs.forEach(({ module, range }, i) => {
    if (i % count === index - 1) conformanceSuite(module, range.example);
  });
}
