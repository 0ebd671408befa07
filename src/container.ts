/**
 * The tsyringe composition root: the only place that wires classes together. Tokens are explicit
 * (`@inject(TOKENS.X)`), so injection works the same under tsc, vitest and tsx.
 */
import 'reflect-metadata';
import { container, type DependencyContainer } from 'tsyringe';
import type { Logger } from './log.js';
import { createVendorRegistry, type VendorRegistry } from './vendors/index.js';

/** Injection tokens. */
export const TOKENS = {
  Logger: Symbol('Logger'),
  Clock: Symbol('Clock'),
  VendorRegistry: Symbol('VendorRegistry'),
} as const;

/** The time source (tests and `--now` pin it). */
export interface Clock {
  now(): Date;
}

/** Overrides for tests (a registry with fault-injecting adapters, a fixed clock). */
export interface ContainerOverrides {
  registry?: VendorRegistry;
  clock?: Clock;
}

/** A child container for one CLI invocation. */
export function createContainer(log: Logger, overrides: ContainerOverrides = {}): DependencyContainer {
  const child = container.createChildContainer();
  child.register(TOKENS.Logger, { useValue: log });
  child.register(TOKENS.Clock, { useValue: overrides.clock ?? { now: () => new Date() } });
  child.register(TOKENS.VendorRegistry, { useValue: overrides.registry ?? createVendorRegistry() });
  return child;
}
