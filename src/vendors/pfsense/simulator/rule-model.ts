/**
 * Firewall rule validation with pfrest's real defaults (pfrest/pfSense-pkg-RESTAPI `Models/FirewallRule.inc`,
 * `Fields/FilterAddressField.inc`, `Fields/InterfaceField.inc` at v2.4.3 and v2.10.0; pfsense-facts.md §7):
 * `quick` defaults to false and `direction` to `any`, both only for floating rules (null otherwise);
 * `floating` is not editable; several interfaces only on floating rules; `any` interface from v2.7.2
 * (issue #840); a destination alias must exist when the rule is written; `tracker` = creation second.
 */
import ipaddr from 'ipaddr.js';
import { validation } from './envelope.js';
import { stringField } from './alias-model.js';
import type { SimRule, SimState } from './state.js';

/** An interface id as the API represents it (`represent_interfaces_as`, default `descr`). */
export function ifaceOut(state: SimState, id: string): string {
  if (id === 'any') return 'any';
  const i = state.interfaces.find((x) => x.id === id);
  if (i === undefined) return id;
  if (state.representInterfacesAs === 'id') return i.id;
  if (state.representInterfacesAs === 'if') return i.if;
  return i.descr === '' ? i.id.toUpperCase() : i.descr;
}

/** An interface value from a request, in the configured representation, to its id. */
function ifaceIn(state: SimState, value: string): string {
  if (value === 'any' && state.features.anyInterface) return 'any';
  const i = state.interfaces.find((x) => ifaceOut(state, x.id) === value);
  if (i === undefined)
    throw validation(
      'FIELD_INVALID_CHOICE',
      `Field \`interface\` must be one of the interfaces; got \`${value}\`.`,
    );
  return i.id;
}

/** FilterAddressField: any, (self), address/CIDR, existing non-port alias, interface (`LAN`, `LAN:ip`). */
function address(state: SimState, field: string, v: unknown): string {
  const value = stringField(field, v, '');
  if (value === '') throw validation('FIELD_IS_REQUIRED', `Field \`${field}\` is required.`);
  const inverted = value.startsWith('!');
  const bare = inverted ? value.slice(1) : value;
  if (bare === 'any') {
    if (inverted)
      throw validation('FILTER_RULE_ADDRESS_FIELD_WITH_INVERT_ANY', `Field \`${field}\` cannot invert any.`);
    return value;
  }
  const ifaceNames = state.interfaces.map((i) => ifaceOut(state, i.id));
  const ok =
    bare === '(self)' ||
    bare === 'l2tp' ||
    bare === 'pppoe' ||
    ipaddr.isValid(bare) ||
    isCidr(bare) ||
    state.config.aliases.some((a) => a.name === bare && a.type !== 'port') ||
    ifaceNames.includes(bare.replace(/:ip$/, ''));
  if (!ok)
    throw validation(
      'FILTER_ADDRESS_FIELD_INVALID',
      `Field \`${field}\` value \`${value}\` is not a valid address.`,
    );
  // Stored with the interface id, as config.xml does.
  const iface = state.interfaces.find((i) => ifaceOut(state, i.id) === bare.replace(/:ip$/, ''));
  if (iface !== undefined) return `${inverted ? '!' : ''}${iface.id}${bare.endsWith(':ip') ? 'ip' : ''}`;
  return value;
}

function isCidr(v: string): boolean {
  try {
    ipaddr.parseCIDR(v);
    return true;
  } catch {
    return false;
  }
}

function choice<T extends string>(field: string, v: unknown, choices: readonly T[], dflt?: T): T {
  if (v === undefined || v === null) {
    if (dflt !== undefined) return dflt;
    throw validation('FIELD_IS_REQUIRED', `Field \`${field}\` is required.`);
  }
  if (typeof v !== 'string' || !(choices as readonly string[]).includes(v))
    throw validation('FIELD_INVALID_CHOICE', `Field \`${field}\` must be one of [${choices.join(', ')}].`);
  return v as T;
}

function bool(field: string, v: unknown, dflt: boolean): boolean {
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'boolean')
    throw validation('FIELD_INVALID_TYPE', `Field \`${field}\` must be of type \`boolean\`.`);
  return v;
}

/** Builds (create) or merges (PATCH, `old` given) a rule from a request body. */
export function ruleFrom(
  state: SimState,
  body: Record<string, unknown>,
  user: string,
  old?: SimRule,
): SimRule {
  const now = state.now();
  const floating = old?.floating ?? bool('floating', body.floating, false);
  if (old !== undefined && body.floating !== undefined && body.floating !== old.floating)
    throw validation('FIELD_VALUE_CHANGED_WHEN_NOT_EDITABLE', 'Field `floating` is not editable.');
  const ifaces =
    body.interface === undefined && old !== undefined
      ? old.interface
      : (() => {
          if (!Array.isArray(body.interface) || body.interface.length === 0)
            throw validation('FIELD_IS_REQUIRED', 'Field `interface` is required.');
          return body.interface.map((x) => ifaceIn(state, String(x)));
        })();
  if (ifaces.length > 1 && !floating)
    throw validation(
      'FIREWALL_RULE_MULTIPLE_INTERFACE_WITHOUT_FLOATING',
      'Multiple interfaces may only be assigned to floating rules.',
    );
  const pick = (k: keyof SimRule): unknown => (body[k] === undefined && old !== undefined ? old[k] : body[k]);
  return {
    type: choice('type', pick('type'), ['pass', 'block', 'reject'] as const),
    interface: ifaces,
    ipprotocol: choice('ipprotocol', pick('ipprotocol'), ['inet', 'inet6', 'inet46'] as const),
    protocol: (pick('protocol') as string | null | undefined) ?? null,
    source:
      body.source === undefined && old !== undefined ? old.source : address(state, 'source', body.source),
    destination:
      body.destination === undefined && old !== undefined
        ? old.destination
        : address(state, 'destination', body.destination),
    descr: stringField('descr', pick('descr'), ''),
    disabled: bool('disabled', pick('disabled'), false),
    log: bool('log', pick('log'), false),
    floating,
    // Defaults false / any (`Models/FirewallRule.inc`); meaningful only on floating rules.
    quick: floating ? bool('quick', pick('quick'), false) : false,
    direction: floating
      ? choice('direction', pick('direction'), ['any', 'in', 'out'] as const, 'any')
      : 'any',
    tracker: old?.tracker ?? now,
    created_time: old?.created_time ?? now,
    created_by: old?.created_by ?? `${user}@127.0.0.1 (API)`,
    updated_time: now,
    updated_by: `${user}@127.0.0.1 (API)`,
  };
}

/** A rule as the API represents it: `quick`/`direction` null on non-floating rules, interfaces represented. */
export function ruleOut(state: SimState, r: SimRule, id: number): Record<string, unknown> {
  const addr = (v: string): string => {
    const inv = v.startsWith('!') ? '!' : '';
    const bare = inv ? v.slice(1) : v;
    const ip = bare.endsWith('ip') && state.interfaces.some((i) => `${i.id}ip` === bare);
    const id2 = ip ? bare.slice(0, -2) : bare;
    return state.interfaces.some((i) => i.id === id2) ? `${inv}${ifaceOut(state, id2)}${ip ? ':ip' : ''}` : v;
  };
  return {
    id,
    type: r.type,
    interface: r.interface.map((i) => ifaceOut(state, i)),
    ipprotocol: r.ipprotocol,
    protocol: r.protocol,
    source: addr(r.source),
    destination: addr(r.destination),
    descr: r.descr,
    disabled: r.disabled,
    log: r.log,
    floating: r.floating,
    quick: r.floating ? r.quick : null,
    direction: r.floating ? r.direction : null,
    tracker: r.tracker,
    created_time: r.created_time,
    created_by: r.created_by,
    updated_time: r.updated_time,
    updated_by: r.updated_by,
  };
}
