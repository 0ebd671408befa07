/**
 * Self-signed TLS material for the simulators: one certificate per device, its own CA, valid for
 * 127.0.0.1 and localhost, as a factory-fresh firewall presents (users pin it by fingerprint).
 */
import { X509Certificate } from 'node:crypto';
import { generate } from 'selfsigned';

/** A device certificate and the fingerprint users pin. */
export interface DeviceCertificate {
  key: string;
  cert: string;
  /** sha256 fingerprint, colon-separated upper-case hex (Node's `fingerprint256`). */
  fingerprint: string;
}

/** Makes a self-signed certificate for a simulated device named `commonName`. */
export async function deviceCertificate(commonName: string): Promise<DeviceCertificate> {
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 2, value: 'localhost' },
        ],
      },
    ],
  });
  return {
    key: pems.private,
    cert: pems.cert,
    fingerprint: new X509Certificate(pems.cert).fingerprint256,
  };
}
