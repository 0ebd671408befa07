/**
 * The vendor registry: vendor id → adapter factory. Explicit and greppable, no auto-discovery.
 */
import { ConfigError } from '../errors.js';
import { createMikrotikAdapter } from './mikrotik/adapter.js';
import { createOpnsenseAdapter } from './opnsense/adapter.js';
import type { AdapterFactory, VendorId } from './types.js';

/** Maps vendor ids to their adapter factories. */
export type VendorRegistry = ReadonlyMap<VendorId, AdapterFactory>;

/** The vendors implemented in this release. */
export const IMPLEMENTED_VENDORS: readonly VendorId[] = ['opnsense', 'mikrotik'];

/** The default registry. */
export function createVendorRegistry(): VendorRegistry {
  return new Map<VendorId, AdapterFactory>([
    ['opnsense', createOpnsenseAdapter],
    ['mikrotik', createMikrotikAdapter],
  ]);
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
