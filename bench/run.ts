/**
 * `npm run bench`: every benchmark, one after the other (never part of `npm test`).
 */
import { benchCompile } from './compile.js';
import { benchMikrotikPush } from './mikrotik-push.js';
import { benchPfsensePush } from './pfsense-push.js';

await benchCompile();
console.log('\nMikroTik bulk push');
await benchMikrotikPush();
console.log('\npfSense push');
await benchPfsensePush();
