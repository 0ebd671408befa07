/**
 * The handler vocabulary of the pfSense simulator: one `Endpoint` per pfrest URL, one handler per method.
 */
import type { SimConfig, SimState } from './state.js';

/** What a handler gets. */
export interface HandlerContext {
  state: SimState;
  /** Decoded request data (JSON body, or the type-coerced query string / form body). */
  data: Record<string, unknown>;
  /** The authenticated user. */
  user: string;
  /**
   * The configuration as loaded at the start of this request (pfrest's `Model` reads config.xml once);
   * a handler that changes it calls `write()` so the server saves it after the config-write latency. Two
   * overlapping writers each save what they loaded: the later save loses the earlier one's change
   * (pfsense-facts.md §11; pfrest `Core/Model.inc` write_config, issue #238).
   */
  cfg: SimConfig;
  write(): void;
  /** Waits `ms` of simulated device time. */
  sleep(ms: number): Promise<void>;
}

/** A handler returns the envelope's `data`, or throws `ApiError`. */
export type Handler = (ctx: HandlerContext) => unknown;

/** One pfrest endpoint (`Endpoints/*.inc`). */
export interface Endpoint {
  /** Path below `/api/v2/`. */
  path: string;
  methods: Partial<Record<'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', Handler>>;
  /** Whether this release has the endpoint (else nginx 404). */
  exists?(state: SimState): boolean;
  /** `/auth/key`, `/auth/jwt`: BasicAuth whatever `auth_methods` says (`Core/Auth.inc`). */
  basicOnly?: boolean;
}
