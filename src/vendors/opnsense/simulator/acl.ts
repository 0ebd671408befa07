/**
 * Per-endpoint privileges of the OPNsense simulator: each API user holds a list of privileges, each
 * privilege a list of URL patterns, as in the `ACL.xml` files of opnsense/core (tags 25.7.5 and 26.1.9):
 * - models/OPNsense/Core/ACL/ACL.xml: `page-firewall-alias-edit` "Firewall: Alias: Edit"
 *   (`api/firewall/alias/*`), `page-diagnostics-tables` "Diagnostics: PF Table IP addresses"
 *   (`api/firewall/alias_util/*`), `page-system-firmware-manualupdate` "System: Firmware"
 *   (`api/core/firmware/*`, which also covers reboot, poweroff, upgrade, install and remove);
 * - models/OPNsense/Firewall/ACL/ACL.xml: `page-filter-api` "Firewall: Rules [new]" (25.7: "Firewall:
 *   Automation: Filter", `api/firewall/filter/*`);
 * - models/OPNsense/Unbound/ACL/ACL.xml: `page-services-unbound` "Services: Unbound" (25.7: "Services:
 *   Unbound (MVC)", `api/unbound/*`).
 * A URI no privilege of the user covers answers 403 (ApiControllerBase `beforeExecuteRoute`).
 */

/** Privilege id → URL patterns (`*` matches anything). */
export const PRIVILEGES: Record<string, readonly string[]> = {
  'page-firewall-alias-edit': ['api/firewall/alias/*'],
  'page-firewall-aliases': [
    'api/firewall/alias/export',
    'api/firewall/alias/search*',
    'api/firewall/alias/list*',
    'api/firewall/alias/get*',
  ],
  'page-diagnostics-tables': ['api/firewall/alias_util/*'],
  'page-filter-api': ['api/firewall/filter/*'],
  'page-services-unbound': ['api/unbound/*'],
  'page-system-firmware-manualupdate': ['api/core/firmware/*'],
};

/**
 * The privileges iocwall's key needs, and nothing more (docs/vendors/opnsense.md lists them per
 * endpoint). Not "System: Firmware": iocwall never calls `core/firmware/*`.
 */
export const IOCWALL_PRIVILEGES: readonly string[] = [
  'page-firewall-alias-edit',
  'page-diagnostics-tables',
  'page-filter-api',
  'page-services-unbound',
];

/** Whether one of `privileges` covers `path` (`api/<module>/<controller>/<action>/…`, snake_case). */
export function allowed(privileges: readonly string[] | 'all', path: string): boolean {
  if (privileges === 'all') return true;
  return privileges.some((p) => (PRIVILEGES[p] ?? []).some((pattern) => globMatch(pattern, path)));
}

/** `*` matches any run of characters; everything else literally. */
function globMatch(pattern: string, path: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map(escape).join('.*')}$`);
  return re.test(path);
}

function escape(s: string): string {
  return s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}
