// GetCACaps (RFC 8894 §3.5.2): the capabilities Keep's RA advertises, and a reader for clients.

export const RA_CAPABILITIES = [
  'GetNextCACert',
  'POSTPKIOperation',
  'SHA-256',
  'SHA-512',
  'AES',
  'SCEPStandard',
  'Renewal',
] as const;

export const CA_CAPS_CONTENT_TYPE = 'text/plain';

export function renderCaCaps(capabilities: readonly string[] = RA_CAPABILITIES): string {
  return `${capabilities.join('\n')}\n`;
}

/** Capabilities are case-insensitive keywords, one a line (§3.5.2); returned upper-cased. */
export function parseCaCaps(text: string): Set<string> {
  return new Set(
    text
      .split(/\r?\n/)
      .map((line) => line.trim().toUpperCase())
      .filter(Boolean),
  );
}
