/**
 * hosts files: `0.0.0.0 name`, `127.0.0.1<TAB>name`, several names per line, `#` comments.
 * The sink address is ignored (it says "block", not "this host lives there"). The boilerplate
 * names of a system hosts file (`127.0.0.1 localhost`, `255.255.255.255 broadcasthost`, the
 * `0.0.0.0 0.0.0.0` placeholder, …) are no indicators: skipped and counted in one info notice, the
 * way every line parser reports what it skips (SkipCounter), so a hosts file does not fill `rejected`
 * with the same dozen names. Every other name is passed on.
 */
import { isIP } from 'node:net';
import type { LineParserFactory } from './line-parser.js';
import { SkipCounter, tokens } from './line-parser.js';

/** Names that every system hosts file maps: never entries. */
const LOCAL_NAMES = new Set([
  'localhost',
  'localhost.localdomain',
  'local',
  'broadcasthost',
  'ip6-localhost',
  'ip6-loopback',
  'ip6-localnet',
  'ip6-mcastprefix',
  'ip6-allnodes',
  'ip6-allrouters',
  'ip6-allhosts',
  '0.0.0.0',
]);

/** The kind of the skip notice: says what was skipped, so "ignored" is not read as "lost". */
const BOILERPLATE = 'hosts-file boilerplate names (localhost, broadcasthost, ip6-*, 0.0.0.0)';

/** Factory for the `hosts` format. */
export const hostsParser: LineParserFactory = (sink) => {
  const skipped = new SkipCounter();
  return {
    line(text, lineNo) {
      const hash = text.indexOf('#');
      const body = (hash >= 0 ? text.slice(0, hash) : text).trim();
      if (body === '') return;
      const parts = tokens(body);
      const first = parts[0] ?? '';
      // `fe80::1%lo0 localhost` carries a zone id: strip it before asking isIP.
      if (parts.length < 2 || isIP(first.replace(/%.*$/, '')) === 0) {
        // Not hosts syntax: a bare name (some hosts-style lists mix them in) or garbage; both are
        // passed on whole so the normaliser decides.
        sink.emit({ value: body, line: lineNo });
        return;
      }
      for (const name of parts.slice(1)) {
        if (LOCAL_NAMES.has(name.toLowerCase())) {
          // Counted per name, not per line: `::1 localhost ip6-localhost` skips two.
          skipped.add(BOILERPLATE, `${first} ${name}`);
          continue;
        }
        sink.emit({ value: name, line: lineNo, hint: 'domain' });
      }
    },
    end() {
      skipped.flush(sink);
    },
  };
};
