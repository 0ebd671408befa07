/**
 * hosts files: `0.0.0.0 name`, `127.0.0.1<TAB>name`, several names per line, `#` comments.
 * The sink address is ignored (it says "block", not "this host lives there"); the standard
 * localhost/broadcast lines of a system hosts file are skipped.
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
          skipped.add('localhost/broadcast host lines', `${first} ${name}`);
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
