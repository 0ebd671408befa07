/**
 * Every vendor module runs the adapter conformance suite at every release range its simulator plays
 * (`lab.firmware[].example`). The (vendor, release) pairs are dealt over three files so the test workers
 * share them; a new vendor joins by being in `VENDOR_MODULES`, and nothing here names one.
 */
import { conformanceShard } from './conformance/shard.js';

conformanceShard(3, 3);
