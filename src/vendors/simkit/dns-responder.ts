/**
 * The resolver of a simulated device, on a loopback UDP port: each query is handed to the simulator,
 * which answers as its firmware would with the configuration it holds (NXDOMAIN for what it blocks).
 * Tests and the demo prove blocking by asking it, not by reading iocwall's own objects back.
 *
 * Wire format from RFC 1035 §4 via `dns-packet`. Only what a stub resolver sends is answered: one
 * question, class IN. Anything else gets FORMERR/NOTIMP, as Unbound and RouterOS answer.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import dnsPacket from 'dns-packet';

/** What the device's resolver does with one query. */
export type DnsVerdict =
  | { rcode: 'NXDOMAIN' }
  /** Name exists; `addresses` of the asked type (empty: NODATA). */
  | { rcode: 'NOERROR'; addresses: string[] }
  | { rcode: 'REFUSED' };

/**
 * Decides a query. `name` is the name exactly as asked (case kept, no trailing dot), because case
 * handling is a firmware behaviour (RouterOS regexp entries are case-sensitive); `type` is `A`, `AAAA`, ….
 */
export type DnsDecider = (name: string, type: string) => DnsVerdict;

/** A running responder. */
export interface DnsResponder {
  /** `127.0.0.1:PORT` */
  address: string;
  stop(): Promise<void>;
}

/** Answers every address query of an unblocked name with a fixed documentation address (RFC 5737/3849). */
export function plainAnswer(type: string): DnsVerdict {
  if (type === 'A') return { rcode: 'NOERROR', addresses: ['192.0.2.10'] };
  if (type === 'AAAA') return { rcode: 'NOERROR', addresses: ['2001:db8::10'] };
  return { rcode: 'NOERROR', addresses: [] };
}

/** RCODE numbers (RFC 1035 §4.1.1); dns-packet encodes the rcode only from the flags' low bits. */
const RCODE = { NOERROR: 0, FORMERR: 1, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;

function reply(query: dnsPacket.Packet, verdict: DnsVerdict): Buffer {
  const question = query.questions?.[0];
  const answers: dnsPacket.Answer[] = [];
  if (question && verdict.rcode === 'NOERROR') {
    for (const address of verdict.addresses) {
      if (question.type === 'A' || question.type === 'AAAA')
        answers.push({ type: question.type, name: question.name, ttl: 60, class: 'IN', data: address });
    }
  }
  return dnsPacket.encode({
    id: query.id ?? 0,
    type: 'response',
    // QR=1, RD copied, RA=1 (a recursive resolver), rcode in the low bits.
    flags:
      ((query.flags ?? 0) & dnsPacket.RECURSION_DESIRED) |
      dnsPacket.RECURSION_AVAILABLE |
      RCODE[verdict.rcode],
    questions: query.questions ?? [],
    answers,
  });
}

function errorReply(id: number, rcode: 'FORMERR' | 'NOTIMP'): Buffer {
  return dnsPacket.encode({ id, type: 'response', flags: RCODE[rcode], questions: [] });
}

/** Starts a responder on 127.0.0.1 (a random port unless `port` is given). */
export async function startDnsResponder(decide: DnsDecider, port = 0): Promise<DnsResponder> {
  const socket: Socket = createSocket('udp4');
  socket.on('message', (message: Buffer, peer: RemoteInfo) => {
    let out: Buffer;
    try {
      const query = dnsPacket.decode(message);
      const question = query.questions?.[0];
      if (query.type !== 'query' || !question || (query.questions?.length ?? 0) !== 1)
        out = errorReply(query.id ?? 0, 'FORMERR');
      else if (question.class !== 'IN') out = errorReply(query.id ?? 0, 'NOTIMP');
      else out = reply(query, decide(question.name.replace(/\.$/, ''), question.type));
    } catch {
      // Unparseable datagram: a real resolver answers FORMERR when it can read an id, else drops it.
      if (message.length < 2) return;
      out = errorReply(message.readUInt16BE(0), 'FORMERR');
    }
    socket.send(out, peer.port, peer.address);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, '127.0.0.1', () => {
      socket.off('error', reject);
      resolve();
    });
  });
  const bound = socket.address();
  return {
    address: `127.0.0.1:${bound.port}`,
    stop: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

/** A DNS answer as a client sees it (tests, the demo, `iocwall lab` users). */
export interface DnsLookup {
  rcode: string;
  addresses: string[];
}

/** Asks a responder one question over UDP (loopback only; 2 s timeout). */
export async function queryDns(server: string, name: string, type: 'A' | 'AAAA' = 'A'): Promise<DnsLookup> {
  const [host, portText] = [
    server.slice(0, server.lastIndexOf(':')),
    server.slice(server.lastIndexOf(':') + 1),
  ];
  const socket = createSocket('udp4');
  const id = Math.floor(Math.random() * 65535);
  const packet = dnsPacket.encode({
    id,
    type: 'query',
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ type, name, class: 'IN' }],
  });
  try {
    return await new Promise<DnsLookup>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no DNS answer from ${server} in 2 s`)), 2000);
      socket.on('message', (message: Buffer) => {
        const answer = dnsPacket.decode(message);
        if (answer.id !== id) return;
        clearTimeout(timer);
        resolve({
          // dns-packet decodes the rcode but its types leave it out.
          rcode: (answer as { rcode?: string }).rcode ?? 'NOERROR',
          addresses: (answer.answers ?? []).flatMap((a) =>
            a.type === 'A' || a.type === 'AAAA' ? [a.data] : [],
          ),
        });
      });
      socket.send(packet, Number(portText), host);
    });
  } finally {
    socket.close();
  }
}
