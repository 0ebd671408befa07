/**
 * A target's connection, resolved for a run, with a warning for everything that weakens it: clear text
 * across a network, TLS verification switched off, a secret file every local user can read. Every command
 * that reaches a device (`check --config` included) connects through here.
 */
import type { LoadedConfig } from '../config/load.js';
import type { TargetConfig } from '../config/schema.js';
import { endpointHost, resolveConnection } from '../config/targets.js';
import type { Logger } from '../log.js';
import { insecureTls } from '../vendors/tls.js';
import type { TargetConnection } from '../vendors/types.js';

/** Loopback never leaves the machine (the lab): clear text there crosses no network. */
function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Resolves the connection of `target` (secrets included) and logs what weakens it. */
export function connectTarget(
  loaded: LoadedConfig,
  target: TargetConfig,
  readOnly: boolean,
  log: Logger,
): TargetConnection {
  const connection = resolveConnection(loaded, target, readOnly, (warning) =>
    log.warn({ target: target.name, warning }, 'secret file'),
  );
  if (/^(http|tcp):/.test(connection.endpoint) && !isLoopback(endpointHost(connection.endpoint))) {
    log.warn(
      { target: target.name, endpoint: connection.endpoint },
      'CLEAR-TEXT TRANSPORT: the login to this target crosses the network unencrypted (use https:// or tls://)',
    );
  }
  if (insecureTls(connection.tls)) {
    log.warn(
      { target: target.name },
      'TLS VERIFICATION IS OFF for this target (tls.insecure): anyone on the path can impersonate the firewall',
    );
  }
  return connection;
}
