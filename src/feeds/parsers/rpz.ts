/**
 * DNS Response Policy Zones (BIND/Unbound/Knot zone files): `;` comments, `$TTL`, `$ORIGIN`,
 * SOA (possibly over several lines in parentheses) and NS skipped, then policy records such as
 * `name CNAME .` (NXDOMAIN), `name CNAME *.` (NODATA), `name CNAME rpz-drop.`, or local data.
 * `*.name` means subdomains and is passed on as found. `rpz-passthru.` is an exception (notice).
 * IP triggers `<len>.<reversed ip>.rpz-ip` become CIDRs. Absolute owner names lose the zone
 * suffix only when it is the zone's own origin, on a label boundary.
 */
import type { LineParserFactory } from './line-parser.js';
import { SkipCounter } from './line-parser.js';
import { rpzIpToCidr } from './rpz-ip.js';

const CLASSES = new Set(['IN', 'CH', 'HS', 'CS']);
const SKIP_TYPES = new Set(['SOA', 'NS', 'TXT', 'DNSKEY', 'RRSIG', 'NSEC', 'NSEC3', 'NSEC3PARAM', 'DS']);

/** Removes a `;` comment that is not inside a quoted string. */
function stripComment(text: string): string {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (c === ';' && !quoted) return text.slice(0, i);
  }
  return text;
}

/** Factory for the `rpz` format. */
export const rpzParser: LineParserFactory = (sink) => {
  let origin: string | undefined; // lowercase, with trailing dot
  let lastOwner: string | undefined;
  let inParens = false;
  const skipped = new SkipCounter();

  /** Owner name relative to the policy zone, without trailing dot. */
  function relativeName(owner: string): string {
    if (owner === '@') return '';
    if (!owner.endsWith('.')) return owner; // relative already: the zone suffix is implied
    const lower = owner.toLowerCase();
    if (origin !== undefined) {
      if (lower === origin) return '';
      if (lower.endsWith(`.${origin}`)) return owner.slice(0, owner.length - origin.length - 1);
    }
    return owner.slice(0, -1); // absolute but outside the zone: keep the name itself
  }

  return {
    line(raw, lineNo) {
      const text = stripComment(raw);
      if (inParens) {
        if (text.includes(')')) inParens = false;
        return;
      }
      if (text.trim() === '') return;
      const startsBlank = text.startsWith(' ') || text.startsWith('\t');
      const parts = text.trim().split(/\s+/);
      const head = parts[0] ?? '';
      if (head.startsWith('$')) {
        const directive = head.toUpperCase();
        if (directive === '$ORIGIN' && parts[1] !== undefined) {
          origin = parts[1].toLowerCase().replace(/\.?$/, '.');
        } else if (directive === '$INCLUDE') {
          sink.notice({ level: 'warn', message: `$INCLUDE not followed at line ${lineNo}: ${raw.trim()}` });
        }
        return;
      }
      const owner = startsBlank ? (lastOwner ?? '@') : head;
      if (!startsBlank) lastOwner = owner;
      let i = startsBlank ? 0 : 1;
      // optional TTL and class, in either order
      for (let k = 0; k < 2; k++) {
        const t = parts[i];
        if (t !== undefined && (/^\d+[smhdw]?$/i.test(t) || CLASSES.has(t.toUpperCase()))) i++;
      }
      const type = (parts[i] ?? '').toUpperCase();
      const rdata = parts.slice(i + 1);
      if (text.includes('(') && !text.includes(')')) inParens = true;
      if (type === 'SOA') {
        if (owner !== '@' && owner.endsWith('.')) origin = owner.toLowerCase();
        return;
      }
      if (SKIP_TYPES.has(type)) return;
      if (type === '') {
        sink.emit({ value: raw.trim(), line: lineNo }); // not a record we understand: pass it on
        return;
      }
      const target = (rdata[0] ?? '').toLowerCase();
      if (type === 'CNAME' && target === 'rpz-passthru.') {
        sink.notice({
          level: 'warn',
          message: `passthru (exception) rule ignored at line ${lineNo}: ${relativeName(owner)}`,
        });
        return;
      }
      const name = relativeName(owner);
      if (name === '') return; // a record at the apex is zone data, not a policy
      const trigger = /\.(rpz-ip|rpz-client-ip|rpz-nsdname|rpz-nsip)$/i.exec(name);
      if (trigger) {
        const kind = (trigger[1] ?? '').toLowerCase();
        if (kind === 'rpz-ip') {
          const cidr = rpzIpToCidr(name.slice(0, trigger.index));
          sink.emit({ value: cidr ?? name, line: lineNo, hint: 'ip' });
        } else {
          skipped.add(`${kind} triggers (not destination indicators)`, name);
        }
        return;
      }
      sink.emit({ value: name, line: lineNo, hint: 'domain' });
    },
    end() {
      skipped.flush(sink, ['rpz-nsdname triggers (not destination indicators)']);
    },
  };
};
