/**
 * OPNsense as one vendor module: everything the rest of iocwall needs to know about it.
 */
import type { VendorModule } from '../types.js';
import { opnsenseOptionsSchema } from './options.js';
import { opnsenseLab } from './lab.js';

/** The OPNsense vendor module. */
export const opnsenseModule: VendorModule = {
  id: 'opnsense',
  displayName: 'OPNsense',
  api: 'core REST API (/api), HTTP Basic with an API key and secret',
  endpoint: { schemes: ['https', 'http'], example: 'https://fw.example.net' },
  credentials: [
    { name: 'key', required: true, description: 'API key of the iocwall user' },
    { name: 'secret', required: true, description: 'API secret of the iocwall user' },
  ],
  options: opnsenseOptionsSchema,
  capabilities: { ipv6: true, cidr: true, dnsSubdomainBlock: true },
  // Loaded when a target of this vendor connects, not with the registry (docs/development.md).
  loadAdapter: async () => (await import('./adapter.js')).createOpnsenseAdapter,
  lab: opnsenseLab,
};
