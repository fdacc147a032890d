// Trust anchors: each certificate into the device's Root store, under its SHA-1 thumbprint as Windows names it.
// https://learn.microsoft.com/windows/client-management/mdm/rootcacertificates-csp
import { createHash } from 'node:crypto';
import type { PolicySettings } from '../../../policy/index.js';
import { pemBlocks } from '../../../pki/pem.js';
import { node } from '../csp-field-map.js';
import type { WindowsTranslation } from '../csp-node.js';

type Certificates = NonNullable<PolicySettings['certificates']>;

const ROOT_STORE = './Device/Vendor/MSFT/RootCATrustedCertificates/Root';

export function translateCertificates(certificates: Certificates): WindowsTranslation {
  return {
    nodes: certificates.map((c) => {
      const der = pemBlocks(c.pem, 'CERTIFICATE')[0]!;
      const thumbprint = createHash('sha1').update(der).digest('hex').toUpperCase();
      // The thumbprint node does not exist until this Add creates it.
      return node(
        'certificates',
        `${ROOT_STORE}/${thumbprint}/EncodedCertificate`,
        'b64',
        der.toString('base64'),
        'Add',
      );
    }),
    notApplicable: [],
  };
}
