/**
 * Guard settings from the config: one place, so `compile`, `check` and the pre-apply assertion agree.
 */
import type { LoadedConfig } from '../../config/load.js';
import { targetAddresses } from '../../config/targets.js';
import type { GuardOptions } from './guard.js';

/** The guard options a config implies, including every target's own address. */
export function guardOptionsFromConfig(
  loaded: LoadedConfig,
  extraTargetAddresses: readonly string[] = [],
): GuardOptions {
  const { config } = loaded;
  return {
    minPrefixV4: config.guard.minPrefixV4,
    minPrefixV6: config.guard.minPrefixV6,
    protectedNetworks: config.protectedNetworks,
    targetAddresses: [...new Set([...targetAddresses(loaded), ...extraTargetAddresses])],
    allowlist: { domains: config.allowlist.domains, ips: config.allowlist.ips },
    warninglists: config.guard.warninglists,
    sharedHostPolicy: config.guard.sharedHostPolicy,
  };
}
