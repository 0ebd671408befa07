/**
 * The vendor registry: the one list of vendor modules. The lab, `iocwall lab --firmware`, the config
 * checks (credentials, options, endpoint schemes), the JSON Schema, the conformance suite and the
 * README's vendor table all derive from it. Adding a vendor is its folder plus one line here.
 */
import { ConfigError, VendorError } from '../errors.js';
import { mikrotikModule } from './mikrotik/index.js';
import { opnsenseModule } from './opnsense/index.js';
import { pfsenseModule } from './pfsense/index.js';
import { sophosModule } from './sophos/index.js';
import type { AdapterFactory, CreateAdapter, VendorId, VendorModule } from './types.js';
import { withCanonicalValues } from './values.js';

/** Every vendor iocwall supports, in the order the lab starts them. */
export const VENDOR_MODULES: readonly VendorModule[] = [
  opnsenseModule,
  pfsenseModule,
  mikrotikModule,
  sophosModule,
];

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
 * The factory of one module: loads its adapter module on first use (the registry itself loads none, so a
 * config check or a `compile` pays for no adapter, HTTP or XML library), then builds the adapter wrapped
 * in the one canonical-value check (`values.ts`), so no vendor can be handed a value with protocol
 * metacharacters. A module that fails to load is that target's error: the engine reports it for the
 * target and carries on with the others.
 */
function lazyFactory(m: VendorModule): AdapterFactory {
  return async (connection, marker) => {
    let create: CreateAdapter;
    try {
      create = await m.loadAdapter();
    } catch (err) {
      throw new VendorError(
        `target ${connection.name}: cannot load the ${m.displayName} adapter: ${err instanceof Error ? err.message : String(err)}`,
        { vendor: m.id, target: connection.name, operation: 'load adapter' },
        { cause: err },
      );
    }
    return withCanonicalValues(create(connection, marker), connection.name);
  };
}

/** A registry of these modules: one lazily loading, canonical-value-checked factory each. */
export function registryOf(modules: readonly VendorModule[]): VendorRegistry {
  return new Map<VendorId, AdapterFactory>(modules.map((m) => [m.id, lazyFactory(m)]));
}

/** The default registry, of every module in `VENDOR_MODULES`. */
export function createVendorRegistry(): VendorRegistry {
  return registryOf(VENDOR_MODULES);
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
