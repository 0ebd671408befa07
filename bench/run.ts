/**
 * `npm run bench`: every benchmark, one after the other (never part of `npm test`).
 * The MikroTik push benchmark belongs to the vendor work; it runs when `mikrotik-push.js` was built.
 */
import { benchCompile } from './compile.js';

await benchCompile();

// A variable specifier: the build must not depend on the other benchmark existing.
const mikrotik = './mikrotik-push.js';
let mod: { benchMikrotikPush?: () => Promise<unknown> } | undefined;
try {
  mod = (await import(mikrotik)) as { benchMikrotikPush?: () => Promise<unknown> };
} catch (err) {
  const code = (err as NodeJS.ErrnoException).code;
  if (code !== 'ERR_MODULE_NOT_FOUND') throw err;
  console.log('\nmikrotik-push benchmark not built: skipped');
}
if (mod?.benchMikrotikPush) {
  console.log('\nmikrotik push benchmark');
  console.log(await mod.benchMikrotikPush());
}
