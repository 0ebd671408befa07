/**
 * ThreatFox JSON: the API answer `{query_status, data:[{ioc, ioc_type, first_seen, …}]}` and the
 * full export keyed by IOC id `{"123":[{ioc_value, ioc_type, first_seen_utc, …}]}` (export shape
 * not verified against a live file: parsed leniently). Reached through the `misp` JSON dispatcher.
 */
import { z } from 'zod';
import { FeedError } from '../../errors.js';
import type { RawRecord } from '../types.js';
import type { FeedBuilder } from './json-util.js';
import { validate } from './json-util.js';
import { hintForLabel, toIsoTime } from './line-parser.js';

const apiRecord = z.looseObject({
  ioc: z.string(),
  ioc_type: z.string().nullish(),
  first_seen: z.string().nullish(),
});
const apiAnswer = z.looseObject({
  query_status: z.string(),
  data: z.union([z.array(apiRecord), z.string(), z.null()]).optional(),
});
const exportRecord = z.looseObject({
  ioc_value: z.string(),
  ioc_type: z.string().nullish(),
  first_seen_utc: z.string().nullish(),
});

/** True when `data` looks like ThreatFox JSON (API answer or id-keyed export). */
export function isThreatFoxJson(data: unknown): boolean {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return false;
  if ('query_status' in data) return true;
  const values = Object.values(data);
  const first: unknown = values[0];
  return (
    values.length > 0 &&
    Array.isArray(first) &&
    typeof first[0] === 'object' &&
    first[0] !== null &&
    'ioc_value' in first[0]
  );
}

function add(
  out: FeedBuilder,
  value: string,
  type: string | null | undefined,
  seen: string | null | undefined,
  line: number,
) {
  const rec: RawRecord = { value, line };
  const hint = type ? hintForLabel(type) : undefined;
  if (hint !== undefined) rec.hint = hint;
  const firstSeen = toIsoTime(seen);
  if (firstSeen !== undefined) rec.firstSeen = firstSeen;
  out.add(rec);
}

/** Adds the records of ThreatFox JSON `data` to `out`. Throws FeedError on an error status or a wrong shape. */
export function parseThreatFoxJson(data: unknown, out: FeedBuilder): void {
  out.notice('info', 'ThreatFox JSON');
  if (typeof data === 'object' && data !== null && 'query_status' in data) {
    const answer = validate(apiAnswer, data, 'ThreatFox JSON');
    if (answer.query_status === 'no_result') {
      out.notice('warn', 'ThreatFox answered no_result: no entries');
      return;
    }
    if (answer.query_status !== 'ok' || !Array.isArray(answer.data))
      throw new FeedError(`ThreatFox JSON: query_status ${answer.query_status.slice(0, 60)}`);
    answer.data.forEach((r, i) => add(out, r.ioc, r.ioc_type, r.first_seen, i + 1));
    return;
  }
  const exported = validate(z.record(z.string(), z.array(exportRecord)), data, 'ThreatFox export JSON');
  let line = 0;
  for (const records of Object.values(exported)) {
    for (const r of records) add(out, r.ioc_value, r.ioc_type, r.first_seen_utc, ++line);
  }
}
