/**
 * MISP JSON: a single event export `{"Event":{…}}`, a restSearch answer `{"response":[{"Event"}]}`
 * or `{"response":{"Attribute":[…]}}`, a bare event list, and attributes inside objects.
 * `to_ids` is passed on as `toIds` (never dropped here: the caller rejects `false` with a reason).
 * Deleted attributes and non-indicator types (comment, port, size, …) are counted in notices.
 * The same dispatcher parses ThreatFox JSON (see `threatfox-json.ts`) and says so in a notice.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { FeedError } from '../../errors.js';
import type { ParsedFeed, RawRecord, ValueHint } from '../types.js';
import { FeedBuilder, parseJson, validate } from './json-util.js';
import { hintForLabel, toIsoTime } from './line-parser.js';
import { isThreatFoxJson, parseThreatFoxJson } from './threatfox-json.js';

const flag = z.union([z.boolean(), z.string(), z.number()]).optional();
const attributeSchema = z.looseObject({
  type: z.string(),
  value: z.union([z.string(), z.number()]).transform(String),
  to_ids: flag,
  deleted: flag,
  first_seen: z.string().nullish(),
});
type Attribute = z.infer<typeof attributeSchema>;
const objectSchema = z.looseObject({ deleted: flag, Attribute: z.array(attributeSchema).optional() });
const eventSchema = z.looseObject({
  date: z.string().optional(),
  Attribute: z.array(attributeSchema).optional(),
  Object: z.array(objectSchema).optional(),
});
type MispEvent = z.infer<typeof eventSchema>;
const wrapped = z.looseObject({ Event: eventSchema });

/** Attribute types that describe an indicator rather than being one. */
const NON_INDICATOR = new Set([
  'comment',
  'text',
  'other',
  'port',
  'datetime',
  'size-in-bytes',
  'float',
  'counter',
  'boolean',
  'link',
  'attachment',
  'mime-type',
  'hex',
  'cpe',
  'vulnerability',
  'weakness',
  'campaign-name',
  'threat-actor',
  'malware-type',
]);

function truthy(v: boolean | string | number | undefined): boolean {
  return v === true || v === 1 || v === '1' || (typeof v === 'string' && v.toLowerCase() === 'true');
}

/** `ip|port` → `ip:port` (IPv6 bracketed) so the normaliser sees the usual port syntax. */
function withPort(host: string, port: string | undefined): string {
  if (port === undefined || port === '') return host;
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

function mispHint(type: string): ValueHint {
  if (type === 'hostname' || type === 'domain') return 'domain';
  if (type === 'ip-dst' || type === 'ip-src') return 'ip';
  if (type === 'url' || type === 'uri') return 'url';
  if (type === 'as') return 'other';
  return hintForLabel(type) ?? 'other';
}

/** Walks events and attributes into records. */
class Walker {
  readonly out = new FeedBuilder();
  private index = 0;
  private deleted = 0;
  private readonly skippedTypes = new Map<string, number>();

  event(e: MispEvent): void {
    for (const a of e.Attribute ?? []) this.attribute(a, e.date);
    for (const o of e.Object ?? []) {
      const objectDeleted = truthy(o.deleted);
      for (const a of o.Attribute ?? []) {
        if (objectDeleted) {
          this.index++;
          this.deleted++;
        } else this.attribute(a, e.date);
      }
    }
  }

  attribute(a: Attribute, eventDate?: string): void {
    const line = ++this.index;
    if (truthy(a.deleted)) {
      this.deleted++;
      return;
    }
    const type = a.type.toLowerCase();
    if (NON_INDICATOR.has(type)) {
      this.skippedTypes.set(type, (this.skippedTypes.get(type) ?? 0) + 1);
      return;
    }
    const base: Omit<RawRecord, 'value'> = { line };
    if (a.to_ids !== undefined) base.toIds = truthy(a.to_ids);
    const seen = toIsoTime(a.first_seen) ?? toIsoTime(eventDate);
    if (seen !== undefined) base.firstSeen = seen;
    const [left = '', right] = a.value.split('|', 2);
    if (type === 'ip-dst|port' || type === 'ip-src|port') {
      this.out.add({ ...base, value: withPort(left.trim(), right?.trim()), hint: 'ip' });
    } else if (type === 'hostname|port') {
      this.out.add({ ...base, value: withPort(left.trim(), right?.trim()), hint: 'domain' });
    } else if (type === 'domain|ip') {
      this.out.add({ ...base, value: left, hint: 'domain' });
      if (right !== undefined) this.out.add({ ...base, value: right, hint: 'ip' });
    } else if (type.startsWith('filename|') || type === 'malware-sample') {
      this.out.add({ ...base, value: right ?? left, hint: 'hash' });
    } else {
      this.out.add({ ...base, value: a.value, hint: mispHint(type) });
    }
  }

  finish(): ParsedFeed {
    if (this.deleted > 0) this.out.notice('info', `${this.deleted} deleted MISP attributes ignored`);
    for (const [type, n] of this.skippedTypes)
      this.out.notice('info', `${n} MISP "${type}" attributes ignored (not indicators)`);
    const noIds = this.out.records.filter((r) => r.toIds === false).length;
    if (noIds > 0) this.out.notice('info', `${noIds} MISP attributes have to_ids=false`);
    if (this.out.records.length === 0) this.out.notice('warn', 'MISP feed has no indicator attributes');
    return this.out.build('misp');
  }
}

/** Parses MISP JSON (or ThreatFox JSON, see module doc) into a feed. Throws FeedError on malformed JSON or shape. */
export function parseMisp(text: string): ParsedFeed {
  const data = parseJson(text, 'misp');
  if (isThreatFoxJson(data)) {
    const out = new FeedBuilder();
    parseThreatFoxJson(data, out);
    return out.build('misp');
  }
  const w = new Walker();
  if (Array.isArray(data)) {
    for (const e of validate(z.array(wrapped), data, 'MISP event list')) w.event(e.Event);
  } else if (typeof data === 'object' && data !== null && 'Event' in data) {
    w.event(validate(wrapped, data, 'MISP event').Event);
  } else if (typeof data === 'object' && data !== null && 'response' in data) {
    const r = validate(
      z.looseObject({ response: z.union([z.array(wrapped), eventSchema]) }),
      data,
      'MISP restSearch',
    );
    if (Array.isArray(r.response)) for (const e of r.response) w.event(e.Event);
    else w.event(r.response);
  } else if (typeof data === 'object' && data !== null && ('Attribute' in data || 'Object' in data)) {
    w.event(validate(eventSchema, data, 'MISP attributes'));
  } else {
    throw new FeedError('misp: unrecognised JSON shape (expected {"Event"}, {"response"} or ThreatFox JSON)');
  }
  return w.finish();
}
