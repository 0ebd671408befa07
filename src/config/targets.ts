/**
 * From target configs to what adapters need: selection by name/tenant, resolved secrets and TLS material,
 * effective policy, and the targets' own addresses for the guard.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { objectNames } from '../vendors/ownership.js';
import type { TargetConnection } from '../vendors/types.js';
import type { LoadedConfig } from './load.js';
import type { Policy, TargetConfig } from './schema.js';
import { isIdentifierField, resolveSecret } from './secrets.js';

/**
 * Picks the targets named by `--target` and `--tenant` (all when neither is given). Given both, a target
 * must match both (`--tenant acme --target fw1`: fw1, if it is acme's).
 */
export function selectTargets(
  loaded: LoadedConfig,
  names: readonly string[],
  tenants: readonly string[],
): TargetConfig[] {
  const all = loaded.config.targets;
  for (const name of names) {
    if (!all.some((t) => t.name === name)) throw new ConfigError(`unknown target ${name}`);
  }
  for (const tenant of tenants) {
    if (!all.some((t) => t.tenant === tenant)) throw new ConfigError(`unknown tenant ${tenant}`);
  }
  const chosen = all.filter(
    (t) =>
      (names.length === 0 || names.includes(t.name)) && (tenants.length === 0 || tenants.includes(t.tenant)),
  );
  if (chosen.length === 0) {
    if (names.length > 0 && tenants.length > 0)
      throw new ConfigError(
        `no targets selected: --target and --tenant select the targets that match both, and none of ${names.join(', ')} belongs to ${tenants.join(', ')}`,
      );
    throw new ConfigError('no targets selected: add targets to the config or check --target/--tenant');
  }
  return chosen;
}

/** The policy a target runs with: its own, or the config's default. */
export function effectivePolicy(loaded: LoadedConfig, target: TargetConfig): Policy {
  return target.policy ?? loaded.config.defaults.policy;
}

/** Host part of an endpoint URL (brackets of IPv6 literals removed). */
export function endpointHost(endpoint: string): string {
  const host = new URL(endpoint).hostname;
  return host.startsWith('[') ? host.slice(1, -1) : host;
}

/**
 * Every target's own address or host name: the guard refuses to block a firewall's own address, or
 * the name iocwall reaches it by (and that name's parents). Host names are never resolved: iocwall does
 * not turn names into addresses behind the user's back.
 */
export function targetAddresses(loaded: LoadedConfig): string[] {
  return [...new Set(loaded.config.targets.map((t) => endpointHost(t.endpoint)))];
}

/** Resolves secrets and TLS files for one target. */
export function resolveConnection(
  loaded: LoadedConfig,
  target: TargetConfig,
  readOnly: boolean,
  onWarning?: (warning: string) => void,
): TargetConnection {
  const names = objectNames(effectivePolicy(loaded, target).prefix);
  const credentials: Record<string, string> = {};
  for (const [key, ref] of Object.entries(target.credentials))
    credentials[key] = resolveSecret(ref, loaded.baseDir, {
      ...(onWarning ? { onWarning } : {}),
      identifier: isIdentifierField(key),
    });
  const tls: TargetConnection['tls'] = { insecure: target.tls.insecure };
  if (target.tls.fingerprint) tls.fingerprint = target.tls.fingerprint;
  if (target.tls.caFile) {
    const path = isAbsolute(target.tls.caFile)
      ? target.tls.caFile
      : resolve(loaded.baseDir, target.tls.caFile);
    try {
      tls.ca = readFileSync(path, 'utf8');
      tls.caFile = path;
    } catch {
      throw new ConfigError(`target ${target.name}: cannot read tls.caFile ${target.tls.caFile}`);
    }
  }
  return {
    name: target.name,
    vendor: target.vendor,
    endpoint: target.endpoint,
    credentials,
    tls,
    timeoutMs: target.timeoutMs,
    readOnly,
    options: target.options,
    objectNames: { ipv4: names.ipv4, ipv6: names.ipv6, dns: names.dns },
  };
}
