/**
 * pfSense as an iocwall vendor: pfSense CE with the pfrest REST API package (pfSense-pkg-RESTAPI, API v2).
 * Everything else (config checks, the lab, `--list-firmware`, the conformance suite) derives from this.
 */
import type { VendorModule } from '../types.js';
import { pfsenseOptionsSchema } from './options.js';
import { PFSENSE_LAB } from './lab.js';

/** The pfSense vendor module. */
export const pfsenseModule: VendorModule = {
  id: 'pfsense',
  displayName: 'pfSense',
  api: 'pfrest REST API v2 (pfSense-pkg-RESTAPI) over HTTPS',
  endpoint: { schemes: ['https'], example: 'https://192.168.1.1' },
  credentials: [
    { name: 'username', required: false, description: 'pfSense user for HTTP Basic auth (pfrest default)' },
    { name: 'password', required: false, description: "that user's password" },
    {
      name: 'apiKey',
      required: false,
      description: 'pfrest API key (X-API-Key; KeyAuth must be enabled); instead of username and password',
    },
  ],
  // pfrest authenticates with the first enabled method whose credentials are present and never falls
  // through (pfsense-facts.md §4): a target gives one kind, so which one is used is never a surprise.
  credentialForms: [['username', 'password'], ['apiKey']],
  options: pfsenseOptionsSchema,
  capabilities: { ipv6: true, cidr: true, dnsSubdomainBlock: true },
  // Loaded when a target of this vendor connects, not with the registry (docs/development.md).
  loadAdapter: async () => (await import('./adapter.js')).createPfsenseAdapter,
  lab: PFSENSE_LAB,
};
