/** Conversion of RPZ IP trigger names (`32.4.3.2.1` or `128.1.zz.db8.2001`) back to CIDR text. */
import { isIP } from 'node:net';

/**
 * `24.0.2.0.192` → `192.0.2.0/24`; `128.1.zz.db8.2001` → `2001:db8::1/128`.
 * Returns undefined when the labels are not a valid trigger (the caller passes the name on raw).
 */
export function rpzIpToCidr(labels: string): string | undefined {
  const parts = labels.split('.');
  const len = Number(parts[0]);
  const rest = parts.slice(1).reverse();
  if (!Number.isInteger(len)) return undefined;
  if (rest.length === 4 && len >= 1 && len <= 32 && rest.every((p) => /^\d{1,3}$/.test(p))) {
    const ip = rest.join('.');
    return isIP(ip) === 4 ? `${ip}/${len}` : undefined;
  }
  if (len < 1 || len > 128 || rest.length < 2 || rest.length > 8) return undefined;
  const ip = rest.map((p) => (p.toLowerCase() === 'zz' ? '' : p)).join(':');
  const fixed = ip.startsWith(':') ? `:${ip}` : ip.endsWith(':') ? `${ip}:` : ip;
  return isIP(fixed) === 6 ? `${fixed}/${len}` : undefined;
}
