/**
 * Request decoding of the pfSense simulator (pfrest's content handlers and value coercion) and the
 * privilege list of the lab's least-privileged user. Body reading and the rest of the HTTP plumbing are
 * in ../../simkit/http.ts.
 */
import { ApiError } from './envelope.js';

/** The privileges iocwall needs (docs/vendors/pfsense.md); the lab's iocwall user has exactly these. */
export const IOCWALL_PRIVILEGES: readonly string[] = [
  'api-v2-firewall-aliases-get',
  'api-v2-firewall-alias-get',
  'api-v2-firewall-alias-post',
  'api-v2-firewall-alias-patch',
  'api-v2-firewall-alias-delete',
  'api-v2-firewall-rules-get',
  'api-v2-firewall-rule-get',
  'api-v2-firewall-rule-post',
  'api-v2-firewall-rule-patch',
  'api-v2-firewall-rule-delete',
  'api-v2-firewall-apply-get',
  'api-v2-firewall-apply-post',
  'api-v2-services-dns-resolver-settings-get',
  'api-v2-services-dns-resolver-settings-patch',
  'api-v2-services-dns-resolver-apply-get',
  'api-v2-services-dns-resolver-apply-post',
  'api-v2-interfaces-get',
  'api-v2-status-services-get',
  'api-v2-system-version-get',
  'api-v2-system-restapi-version-get',
  'api-v2-diagnostics-table-get',
];

/** Content-Type picks the decoder (`Core/ContentHandler.inc` get_decode_mime_type, facts §2). */
export function decode(
  method: string,
  contentType: string | undefined,
  url: URL,
  raw: Buffer,
): Record<string, unknown> {
  const type = (
    contentType ??
    (method === 'GET' || method === 'DELETE' ? 'application/x-www-form-urlencoded' : 'application/json')
  )
    .split(';')[0]
    ?.trim()
    .toLowerCase();
  if (type === 'application/json') {
    const text = raw.toString('utf8');
    if (text.trim() === '') return {};
    try {
      const v: unknown = JSON.parse(text);
      if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
    } catch {
      // fall through
    }
    throw new ApiError(
      400,
      'CONTENT_HANDLER_CANNOT_DECODE_CONTENT',
      'Request body could not be decoded as JSON.',
    );
  }
  // Form: the query string, or the body only when there is no query string; values type-guessed.
  const params = url.search !== '' ? url.searchParams : new URLSearchParams(raw.toString('utf8'));
  const out: Record<string, unknown> = {};
  for (const [k, v] of params) out[k] = coerce(v);
  return out;
}

/** `ContentHandlers/URLContentHandler.inc`: true/false/null, digits → int, dotted numerics → float. */
function coerce(v: string): unknown {
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (v === 'null') return null;
  if (/^-?\d+$/.test(v)) return Number.parseInt(v, 10);
  if (/^-?\d+\.\d+$/.test(v)) return Number.parseFloat(v);
  return v;
}
