/**
 * Every vendor module runs the adapter conformance suite at every release range its simulator plays
 * (`lab.firmware[].example`). A new vendor joins by being in `VENDOR_MODULES`; nothing here names one.
 */
import { VENDOR_MODULES } from '../../src/vendors/index.js';
import { conformanceSuite } from './conformance/suite.js';

for (const module of VENDOR_MODULES) {
  for (const range of module.lab.firmware) conformanceSuite(module, range.example);
}
