/**
 * MikroTik RouterOS as one vendor module: everything the rest of iocwall needs to know about it.
 */
import type { VendorModule } from '../types.js';
import { mikrotikLab } from './lab.js';
import { MikrotikOptionsSchema } from './schema.js';

/** The MikroTik RouterOS vendor module. */
export const mikrotikModule: VendorModule = {
  id: 'mikrotik',
  displayName: 'MikroTik RouterOS',
  api: 'binary API (8728, or API-SSL on 8729), user and password',
  endpoint: { schemes: ['tcp', 'tls'], example: 'tls://router.example.net:8729' },
  credentials: [
    { name: 'username', required: true, description: 'RouterOS user of iocwall' },
    { name: 'password', required: true, description: 'its password' },
  ],
  options: MikrotikOptionsSchema,
  capabilities: { ipv6: true, cidr: true, dnsSubdomainBlock: true },
  // Loaded when a target of this vendor connects, not with the registry (docs/development.md).
  loadAdapter: async () => (await import('./adapter.js')).createMikrotikAdapter,
  lab: mikrotikLab,
};
