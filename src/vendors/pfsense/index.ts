/**
 * pfSense as an iocwall vendor: pfSense CE with the pfrest REST API package (pfSense-pkg-RESTAPI, API v2).
 * Everything else (config checks, the lab, `--list-firmware`, the conformance suite) derives from this.
 */
import type { VendorModule } from '../types.js';
import { createPfsenseAdapter, pfsenseOptionsSchema } from './adapter.js';
import { PFSENSE_LAB } from './lab.js';

/** The pfSense vendor module. */
export const pfsenseModule: VendorModule = {
  id: 'pfsense',
  displayName: 'pfSense',
  api: 'pfrest REST API v2 (pfSense-pkg-RESTAPI) over HTTPS',
  endpoint: { schemes: ['https'], example: 'https://192.168.1.1' },
  credentials: [
    { name: 'username', required: true, description: 'pfSense user for HTTP Basic auth (pfrest default)' },
    { name: 'password', required: true, description: "that user's password" },
    {
      name: 'apiKey',
      required: false,
      description: 'pfrest API key (X-API-Key; KeyAuth must be enabled); replaces username/password',
    },
  ],
  options: pfsenseOptionsSchema,
  capabilities: { ipv6: true, cidr: true, dnsSubdomainBlock: true },
  createAdapter: createPfsenseAdapter,
  lab: PFSENSE_LAB,
};
