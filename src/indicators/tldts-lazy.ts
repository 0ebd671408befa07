/**
 * tldts (the Public Suffix List), loaded on first use instead of at start-up: importing it costs
 * ≈ 70 ms, and an IPv4-only compile never looks at a host name. `createRequire` loads tldts' own
 * CommonJS build of the same version synchronously, so callers stay synchronous.
 */
import { createRequire } from 'node:module';

/** tldts' public API. */
export type Tldts = typeof import('tldts');

let loaded: Tldts | undefined;

/** The tldts module (loaded by the first call). */
export function tldts(): Tldts {
  loaded ??= createRequire(import.meta.url)('tldts') as Tldts;
  return loaded;
}
