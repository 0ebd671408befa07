// `npm run docs`: rewrites the vendor table in README.md from the vendor modules (run after `npm run build`).
import { readFileSync, writeFileSync } from 'node:fs';
import { withVendorTable } from '../dist/src/vendors/table.js';

const path = new URL('../README.md', import.meta.url);
writeFileSync(path, withVendorTable(readFileSync(path, 'utf8')));
