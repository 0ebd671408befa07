/**
 * Sophos Firewall (SFOS 19.5–22.0) as an iocwall vendor: its credentials, options, capabilities, adapter
 * and lab device. See README.md beside this file and docs/vendors/sophos.md.
 */
import type { VendorModule } from '../types.js';
import { sophosOptionsSchema } from './options.js';
import { sophosLab } from './lab.js';

/** The Sophos vendor module. */
export const sophosModule: VendorModule = {
  id: 'sophos',
  displayName: 'Sophos Firewall (SFOS)',
  api: 'XML API (/webconsole/APIController), user and password in every request',
  endpoint: { schemes: ['https'], example: 'https://fw.example.net:4444' },
  credentials: [
    {
      name: 'username',
      required: true,
      description: 'API administrator (device access profile: Objects and Rules read-write)',
    },
    { name: 'password', required: true, description: "that administrator's password" },
  ],
  options: sophosOptionsSchema,
  capabilities: { ipv6: true, cidr: true, dnsSubdomainBlock: true },
  // Loaded when a target of this vendor connects, not with the registry (docs/development.md).
  loadAdapter: async () => (await import('./adapter.js')).createSophosAdapter,
  lab: sophosLab,
};
