/**
 * Proving a block the way a client on the LAN would meet it, whatever the vendor's way of blocking:
 * a resolver that answers NXDOMAIN, or (Sophos) an answer whose addresses the device's rules drop.
 */
import { queryDns } from '../vendors/simkit/dns-responder.js';
import type { LabDeviceHandle } from '../vendors/types.js';

/** What a LAN client meets when it looks up `name` and connects. */
export interface NameVerdict {
  blocked: boolean;
  /** One line for people: `NXDOMAIN`, `NOERROR 192.0.2.10 (dropped)`, … */
  summary: string;
}

/** Asks the device's resolver for `name` and, on an `egress` device, its rules for the answer. */
export async function probeName(device: LabDeviceHandle, name: string): Promise<NameVerdict> {
  const answer = await queryDns(device.dns, name);
  if ((device.nameBlocking ?? 'resolver') === 'resolver' || !device.dropsTrafficTo) {
    const blocked = answer.rcode === 'NXDOMAIN';
    return { blocked, summary: [answer.rcode, ...answer.addresses].join(' ') };
  }
  const dropsTrafficTo = device.dropsTrafficTo.bind(device);
  const dropped = answer.addresses.length > 0 && answer.addresses.every((a) => dropsTrafficTo(a));
  return {
    blocked: answer.rcode === 'NXDOMAIN' || dropped,
    summary: `${[answer.rcode, ...answer.addresses].join(' ')}${dropped ? ' (traffic dropped by rule)' : ''}`,
  };
}
