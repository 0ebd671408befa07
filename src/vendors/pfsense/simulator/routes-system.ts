/**
 * System, interface, service, DNS Resolver and API-key endpoints of the simulator. pfrest v2.4.3 … v2.10.0
 * `Endpoints/SystemVersion.inc`, `SystemRESTAPIVersion.inc`, `NetworkInterfaces.inc`, `StatusServices.inc`,
 * `ServicesDNSResolverSettings.inc`, `ServicesDNSResolverApply.inc`, `AuthKey.inc`; pfsense-facts.md §4, §9.
 */
import { createHash, randomBytes } from 'node:crypto';
import { validation } from './envelope.js';
import type { Endpoint } from './route-types.js';
import { restartUnbound } from './unbound.js';

const version: Endpoint = {
  path: 'system/version',
  methods: {
    GET: ({ state }) => ({
      version: `${state.pfsense}-RELEASE`,
      base: state.pfsense.split('.').slice(0, 2).join('.'),
      patch: '0',
      buildtime: 'Sat Nov 16 2024 12:00:00 UTC',
    }),
  },
};

const restapiVersion: Endpoint = {
  path: 'system/restapi/version',
  // `current_version` is `v` + the package version (`Models/RESTAPIVersion.inc` get_api_version).
  methods: { GET: ({ state }) => ({ current_version: `v${state.pfrest}`, update_available: false }) },
};

const interfaces: Endpoint = {
  path: 'interfaces',
  methods: {
    GET: ({ state }) =>
      state.interfaces.map((i) => ({
        id: i.id,
        if: i.if,
        enable: i.enable,
        descr: i.descr,
        ipaddr: i.subnet.split('/')[0],
        subnet: Number(i.subnet.split('/')[1]),
      })),
  },
};

const services: Endpoint = {
  path: 'status/services',
  methods: {
    GET: ({ state }) => [
      {
        name: 'unbound',
        description: 'DNS Resolver',
        enabled: state.config.unbound.enable,
        status: state.unbound.running,
      },
      { name: 'sshd', description: 'Secure Shell Daemon', enabled: true, status: true },
    ],
  },
};

const dnsSettings: Endpoint = {
  path: 'services/dns_resolver/settings',
  methods: {
    GET: ({ cfg }) => ({
      enable: cfg.unbound.enable,
      forwarding: cfg.unbound.forwarding,
      custom_options: cfg.unbound.custom_options,
    }),
    PATCH: (ctx) => {
      const u = ctx.cfg.unbound;
      const d = ctx.data;
      for (const k of ['enable', 'forwarding'] as const) {
        if (d[k] === undefined) continue;
        if (typeof d[k] !== 'boolean')
          throw validation('FIELD_INVALID_TYPE', `Field \`${k}\` must be of type \`boolean\`.`);
        u[k] = d[k];
      }
      if (d.custom_options !== undefined) {
        if (typeof d.custom_options !== 'string' && d.custom_options !== null)
          throw validation('FIELD_INVALID_TYPE', 'Field `custom_options` must be of type `string`.');
        // Stored as given: no unbound-checkconf, no CRLF normalisation (Base64Field).
        u.custom_options = d.custom_options ?? '';
      }
      ctx.write();
      ctx.state.dirty.add('unbound');
      if (d.apply === true) setTimeout(() => restartUnbound(ctx.state), ctx.state.latency.unboundRestartMs);
      return { enable: u.enable, forwarding: u.forwarding, custom_options: u.custom_options };
    },
  },
};

const dnsApply: Endpoint = {
  path: 'services/dns_resolver/apply',
  methods: {
    GET: ({ state }) => ({ applied: !state.dirty.has('unbound') }),
    POST: async (ctx) => {
      // The answer shows the status read at the start of the request (inferred, facts §9).
      const before = { applied: !ctx.state.dirty.has('unbound') };
      if (ctx.data.async === false) {
        await ctx.sleep(ctx.state.latency.unboundRestartMs);
        restartUnbound(ctx.state);
      } else {
        setTimeout(() => restartUnbound(ctx.state), ctx.state.latency.unboundRestartMs + 50);
      }
      return before;
    },
  },
};

const authKey: Endpoint = {
  path: 'auth/key',
  basicOnly: true,
  methods: {
    POST: ({ state, user, data }) => {
      // 24 random bytes as hex, returned once, stored as sha256 (`Models/RESTAPIKey.inc`).
      const key = randomBytes(24).toString('hex');
      state.apiKeys.set(createHash('sha256').update(key).digest('hex'), user);
      return { key, descr: typeof data.descr === 'string' ? data.descr : '' };
    },
  },
};

/** The non-firewall endpoints. */
export const SYSTEM_ENDPOINTS: readonly Endpoint[] = [
  version,
  restapiVersion,
  interfaces,
  services,
  dnsSettings,
  dnsApply,
  authKey,
];
