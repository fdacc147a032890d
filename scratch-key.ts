import { X509Certificate, sign, verify, createPrivateKey } from 'node:crypto';
import { createCaHierarchy } from './core/pki/ca-create.js';
import { issueIdentities } from './test/bench/bench-identities.js';
const ca = createCaHierarchy({ organization: 'Bench', now: new Date() });
const ids = await issueIdentities(ca.issuing, undefined, 1, 1);
const der = Buffer.from(ids.certificates[0]!, 'base64');
const x = new X509Certificate(der); const key = x.publicKey;
const spki = key.export({ type: 'spki', format: 'der' });
const data = Buffer.from('hello'.repeat(50)); const sig = sign('sha1', data, createPrivateKey(ids.keysPem[0]!));
function time(name: string, n: number, f: () => void) { for (let i = 0; i < 300; i++) f(); const t = performance.now(); for (let i = 0; i < n; i++) f(); console.log(name, ((performance.now() - t) / n * 1000).toFixed(1), 'µs'); }
time('verify KeyObject', 5000, () => verify('sha1', data, key, sig));
time('verify x509.publicKey', 5000, () => verify('sha1', data, x.publicKey, sig));
time('verify spki der', 5000, () => verify('sha1', data, { key: spki, format: 'der', type: 'spki' }, sig));
time('new X509', 5000, () => new X509Certificate(der));
time('checkIssued+verify', 2000, () => { const i = new X509Certificate(ca.issuing.certificateDer); x.checkIssued(i) && x.verify(i.publicKey); });
