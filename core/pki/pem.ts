// PEM armour (RFC 7468) for the DER blobs the CA reads and writes.

/** Wraps DER in a PEM block with the given label ("CERTIFICATE", "X509 CRL", …). */
export function derToPem(der: Uint8Array, label: string): string {
  const lines =
    Buffer.from(der)
      .toString('base64')
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** Every block with the given label, in order; text outside the blocks is ignored. */
export function pemBlocks(pem: string, label: string): Buffer[] {
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`-----BEGIN ${escaped}-----([A-Za-z0-9+/=\\s]*?)-----END ${escaped}-----`, 'g');
  return [...pem.matchAll(pattern)].map((match) => Buffer.from(match[1]!.replace(/\s+/g, ''), 'base64'));
}
