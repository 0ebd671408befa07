/**
 * `npm run bench`: every benchmark, one after the other (never part of `npm test`).
 */
import { benchCompile } from './compile.js';
import { benchFleet } from './fleet.js';
import { benchMemory } from './memory.js';
import { benchMikrotikPush } from './mikrotik-push.js';
import { benchPfsensePush } from './pfsense-push.js';
import { benchSophosPush } from './sophos-push.js';

await benchCompile();
console.log('\nMemory of config sources (issue 14)');
await benchMemory();
console.log('\nMikroTik bulk push');
await benchMikrotikPush();
console.log('\npfSense push');
await benchPfsensePush();
console.log('\nSophos push');
await benchSophosPush();
console.log('\nFleet: one advisory to many firewalls');
await benchFleet();
