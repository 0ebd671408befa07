/**
 * Firewall endpoints of the simulator: aliases, rules, apply, live tables. pfrest v2.4.3 … v2.10.0
 * `Endpoints/FirewallAlias*.inc`, `FirewallRule*.inc`, `FirewallApply.inc`, `DiagnosticsTable*.inc`;
 * behaviour in pfsense-facts.md §3, §5–§8, §10.
 */
import { ApiError, validation } from './envelope.js';
import { aliasOut, byId, stringArray, stringField, validateAlias, validateAliasName } from './alias-model.js';
import { reloadFilter } from './pf.js';
import { ruleFrom, ruleOut } from './rule-model.js';
import type { Endpoint, HandlerContext } from './route-types.js';
import type { SimAlias, SimState } from './state.js';

/** `placement`: move the object to that index of the whole array, clamped (`Core/Model.inc`). */
function place(list: unknown[], index: number, placement: unknown): number {
  if (placement === undefined) return index;
  if (typeof placement !== 'number' || !Number.isInteger(placement))
    throw validation('FIELD_INVALID_TYPE', 'Field `placement` must be of type `integer`.');
  const [item] = list.splice(index, 1);
  const to = Math.max(0, Math.min(placement, list.length));
  list.splice(to, 0, item);
  return to;
}

/** Plural GET: exact-match filters on known fields; unknown keys are silently ignored (`ModelSet::query`). */
function query(items: Record<string, unknown>[], data: Record<string, unknown>): Record<string, unknown>[] {
  const known = new Set(Object.keys(items[0] ?? {}));
  const filters = Object.entries(data).filter(([k]) => known.has(k));
  return items.filter((o) => filters.every(([k, v]) => String(o[k]) === String(v)));
}

/** `apply:true` on an alias write: clears `aliases` now and reloads in the background (facts §8). */
function applyLater(ctx: HandlerContext): void {
  if (ctx.data.apply !== true) return;
  ctx.state.dirty.delete('aliases');
  setTimeout(() => reloadFilter(ctx.state), ctx.state.latency.filterReloadMs);
}

function aliasFrom(ctx: HandlerContext, old?: SimAlias): SimAlias {
  const d = ctx.data;
  const type = stringField('type', d.type, old?.type ?? '') as SimAlias['type'];
  return {
    name: old?.name ?? validateAliasName(ctx.state, d.name, ctx.cfg.aliases),
    type,
    descr: stringField('descr', d.descr, old?.descr ?? ''),
    address: d.address === undefined && old ? old.address : stringArray('address', d.address),
    detail: d.detail === undefined && old ? old.detail : stringArray('detail', d.detail),
  };
}

const alias: Endpoint = {
  path: 'firewall/alias',
  methods: {
    GET: (ctx) => {
      const { item, index } = byId(ctx.cfg.aliases, ctx.data.id);
      return aliasOut(item, index);
    },
    POST: (ctx) => {
      const a = aliasFrom(ctx);
      validateAlias(ctx.state, a, ctx.cfg.aliases);
      ctx.cfg.aliases.push(a);
      const id = place(ctx.cfg.aliases, ctx.cfg.aliases.length - 1, ctx.data.placement);
      ctx.write();
      ctx.state.dirty.add('aliases');
      applyLater(ctx);
      return aliasOut(a, id);
    },
    PATCH: (ctx) => {
      const { item, index } = byId(ctx.cfg.aliases, ctx.data.id);
      // `name` is not editable: a PATCH naming another alias fails instead of renaming (Core/Field.inc).
      if (ctx.data.name !== undefined && ctx.data.name !== item.name)
        throw validation('FIELD_VALUE_CHANGED_WHEN_NOT_EDITABLE', 'Field `name` is not editable.');
      const a = aliasFrom(ctx, item);
      validateAlias(ctx.state, a, ctx.cfg.aliases);
      ctx.cfg.aliases[index] = a;
      const id = place(ctx.cfg.aliases, index, ctx.data.placement);
      ctx.write();
      ctx.state.dirty.add('aliases');
      applyLater(ctx);
      return aliasOut(a, id);
    },
    DELETE: (ctx) => {
      // Not refused while a rule uses it (TODO in pfrest): the rule silently drops out at the next reload.
      const { item, index } = byId(ctx.cfg.aliases, ctx.data.id);
      ctx.cfg.aliases.splice(index, 1);
      ctx.write();
      ctx.state.dirty.add('aliases');
      applyLater(ctx);
      return aliasOut(item, index);
    },
  },
};

const aliases: Endpoint = {
  path: 'firewall/aliases',
  methods: {
    GET: (ctx) => query(ctx.cfg.aliases.map(aliasOut), ctx.data),
    DELETE: (ctx) => {
      // Needs a query key or all=true, but unknown keys are ignored, so a typo matches everything.
      const keys = Object.keys(ctx.data);
      if (keys.length === 0)
        throw validation('MODEL_SET_DELETE_REQUIRES_QUERY', 'A query or all=true is required.');
      const hit =
        ctx.data.all === true
          ? ctx.cfg.aliases.map(aliasOut)
          : query(ctx.cfg.aliases.map(aliasOut), ctx.data);
      for (const o of [...hit].reverse()) ctx.cfg.aliases.splice(o.id as number, 1);
      ctx.write();
      ctx.state.dirty.add('aliases');
      return hit;
    },
  },
};

const rule: Endpoint = {
  path: 'firewall/rule',
  methods: {
    GET: (ctx) => {
      const { item, index } = byId(ctx.cfg.rules, ctx.data.id);
      return ruleOut(ctx.state, item, index);
    },
    // Rule writes mark no subsystem dirty (the model has no `subsystem`): applied reads true while stale.
    POST: (ctx) => {
      const r = ruleFrom({ ...ctx.state, config: ctx.cfg }, ctx.data, ctx.user);
      ctx.cfg.rules.push(r);
      const id = place(ctx.cfg.rules, ctx.cfg.rules.length - 1, ctx.data.placement);
      ctx.write();
      if (ctx.data.apply === true)
        setTimeout(() => reloadFilter(ctx.state), ctx.state.latency.filterReloadMs);
      return ruleOut(ctx.state, r, id);
    },
    PATCH: (ctx) => {
      const { item, index } = byId(ctx.cfg.rules, ctx.data.id);
      const r = ruleFrom({ ...ctx.state, config: ctx.cfg }, ctx.data, ctx.user, item);
      ctx.cfg.rules[index] = r;
      const id = place(ctx.cfg.rules, index, ctx.data.placement);
      ctx.write();
      if (ctx.data.apply === true)
        setTimeout(() => reloadFilter(ctx.state), ctx.state.latency.filterReloadMs);
      return ruleOut(ctx.state, r, id);
    },
    DELETE: (ctx) => {
      const { item, index } = byId(ctx.cfg.rules, ctx.data.id);
      if (ctx.cfg.rules.length === 1)
        throw validation('MODEL_MANY_MINIMUM_REACHED', 'The last rule cannot be deleted.');
      ctx.cfg.rules.splice(index, 1);
      ctx.write();
      return ruleOut(ctx.state, item, index);
    },
  },
};

const rules: Endpoint = {
  path: 'firewall/rules',
  methods: {
    GET: (ctx) =>
      query(
        ctx.cfg.rules.map((r, i) => ruleOut(ctx.state, r, i)),
        ctx.data,
      ),
  },
};

/** `{applied, pending_subsystems}` from the dirty flags (`Models/FirewallApply.inc`). */
function applyStatus(state: SimState): Record<string, unknown> {
  const pending = ['aliases', 'natconf', 'filter', 'shaper'].filter((s) => state.dirty.has(s));
  return { applied: pending.length === 0, pending_subsystems: pending };
}

/** Reload cost: the fixed part plus the table entries pf loads. */
function reloadMs(state: SimState): number {
  const entries = state.config.aliases.reduce((n, a) => n + a.address.length, 0);
  return state.latency.filterReloadMs + (entries * state.latency.perTableEntryUs) / 1000;
}

const apply: Endpoint = {
  path: 'firewall/apply',
  methods: {
    GET: (ctx) => applyStatus(ctx.state),
    POST: async (ctx) => {
      if (ctx.data.async !== undefined && typeof ctx.data.async !== 'boolean')
        throw validation('ENDPOINT_ASYNC_FIELD_INVALID_TYPE', 'Field `async` must be of type `boolean`.');
      if (ctx.data.async === false) {
        // filter_configure_sync() inside the request.
        await ctx.sleep(reloadMs(ctx.state));
        reloadFilter(ctx.state);
      } else {
        // filter_configure(): a background process posts a reload event (two hops).
        setTimeout(() => reloadFilter(ctx.state), reloadMs(ctx.state) + 50);
      }
      return applyStatus(ctx.state);
    },
  },
};

function tableOut(state: SimState, name: string, entries: string[]): Record<string, unknown> {
  return { id: name, ...(state.features.tableName ? { name } : {}), entries: [...entries] };
}

const table: Endpoint = {
  path: 'diagnostics/table',
  exists: (state) => state.features.tables,
  methods: {
    GET: (ctx) => {
      const id = ctx.data.id;
      const entries = typeof id === 'string' ? ctx.state.filter.tables.get(id) : undefined;
      if (entries === undefined || typeof id !== 'string')
        throw new ApiError(404, 'MODEL_OBJECT_NOT_FOUND', `Object with ID \`${String(id)}\` does not exist.`);
      return tableOut(ctx.state, id, entries);
    },
  },
};

const tables: Endpoint = {
  path: 'diagnostics/tables',
  exists: (state) => state.features.tables,
  methods: { GET: (ctx) => [...ctx.state.filter.tables].map(([n, e]) => tableOut(ctx.state, n, e)) },
};

/** The firewall endpoints. */
export const FIREWALL_ENDPOINTS: readonly Endpoint[] = [alias, aliases, rule, rules, apply, table, tables];
