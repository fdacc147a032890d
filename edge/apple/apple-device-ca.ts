// The roots a device's MachineInfo signature must chain to (`edge.appleDeviceCaFile`). Apple signs MachineInfo with
// the device's identity certificate and sends its intermediates along; the chain validates against the Apple Root
// CA (https://developer.apple.com/documentation/devicemanagement/machineinfo). Keep ships no Apple certificate: the
// operator downloads the root from Apple's certificate authority page and names the file, so what is trusted is
// their choice and is read offline.
import { X509Certificate } from 'node:crypto';
import { TrustStore } from '../../core/cms/index.js';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** A trust store of every certificate in `pem`; a file with none is a configuration error, named. */
export function appleDeviceCaTrust(pem: string, source: string): TrustStore {
  const blocks = pem.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) throw new Error(`edge.appleDeviceCaFile: ${source} holds no PEM certificate`);
  const roots = blocks.map((block, at) => {
    try {
      return new X509Certificate(block).raw;
    } catch (cause) {
      throw new Error(`edge.appleDeviceCaFile: certificate ${at + 1} of ${source} does not parse`, { cause });
    }
  });
  return new TrustStore(roots);
}
