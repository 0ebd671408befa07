/**
 * The vendor registry: the one list of vendor modules. The lab, `iocwall lab --firmware`, the config
 * checks (credentials, options, endpoint schemes), the JSON Schema, the conformance suite and the
 * README's vendor table all derive from it. Adding a vendor is its folder plus one line here.
 */
import { ConfigError } from '../errors.js';
import { mikrotikModule } from './mikrotik/index.js';
import { opnsenseModule } from './opnsense/index.js';
import { pfsenseModule } from './pfsense/index.js';
import type { AdapterFactory, VendorId, VendorModule } from './types.js';
import { withCanonicalValues } from './values.js';

/** Every vendor iocwall supports, in the order the lab starts them. */
export const VENDOR_MODULES: readonly VendorModule[] = [opnsenseModule, pfsenseModule, mikrotikModule];

/** The module of a vendor, or undefined when this release does not implement it. */
export function vendorModule(vendor: VendorId): VendorModule | undefined {
  return VENDOR_MODULES.find((m) => m.id === vendor);
}

/** Maps vendor ids to their adapter factories (tests inject fakes through it). */
export type VendorRegistry = ReadonlyMap<VendorId, AdapterFactory>;

/** Ids of the vendors implemented in this release. */
export function implementedVendors(): VendorId[] {
  return VENDOR_MODULES.map((m) => m.id);
}

/**
 * The default registry, from the modules. Every adapter comes wrapped in the one canonical-value check
 * (`values.ts`), so no vendor can be handed a value with protocol metacharacters.
 */
export function createVendorRegistry(): VendorRegistry {
  return new Map<VendorId, AdapterFactory>(
    VENDOR_MODULES.map((m) => [
      m.id,
      (connection, marker) => withCanonicalValues(m.createAdapter(connection, marker), connection.name),
    ]),
  );
}

/** Looks up a factory, with a clear error for vendors not implemented yet. */
export function adapterFactoryFor(registry: VendorRegistry, vendor: VendorId): AdapterFactory {
  const factory = registry.get(vendor);
  if (!factory) {
    throw new ConfigError(
      `vendor ${vendor} is not implemented in this release (implemented: ${[...registry.keys()].join(', ')})`,
    );
  }
  return factory;
}
