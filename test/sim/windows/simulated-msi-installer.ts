// The simulated PC's Windows Installer behind EnterpriseDesktopAppManagement: an Exec of DownloadInstall starts a
// job (Status 20, download in progress) that ends at the PC's next session, as Windows downloads and runs msiexec
// after the session that asked: 70 when the package it was given matches the job's FileHash, else a failure with
// LastError as Windows reports it (30 for a download that failed or did not match).
import { createHash } from 'node:crypto';
import { child, parseXmlDocument } from '../../../core/windows/xml-document.js';

/** HRESULTs Windows puts in LastError: BG_E_HTTP_ERROR_404, CRYPT_E_HASH_VALUE. */
export const MSI_ERRORS = { notFound: '0x80190194', hashMismatch: '0x80091007' } as const;

const DOWNLOAD_INSTALL =
  /^(\.\/Device\/Vendor\/MSFT\/EnterpriseDesktopAppManagement\/MSI\/[^/]+)\/DownloadInstall$/;

export class SimulatedMsiInstaller {
  /** Jobs started and not yet finished, by product node. */
  private readonly jobs = new Map<string, { url: string; fileHash: string; version: string }>();

  /** `packages`: what each content URL serves (the PC downloads nothing over the network). */
  constructor(
    private readonly nodes: Map<string, string>,
    private readonly packages: ReadonlyMap<string, Buffer>,
  ) {}

  /** The status of an Exec on `target`, or undefined when it is no install. */
  exec(target: string, data: string): string | undefined {
    const product = DOWNLOAD_INSTALL.exec(target)?.[1];
    if (!product) return undefined;
    // The CSP requires the Add that creates the node before the Exec.
    if (!this.nodes.has(target)) return '404';
    const job = parseXmlDocument(data);
    const item = child(job, 'Product');
    const url = child(child(child(item!, 'Download')!, 'ContentURLList')!, 'ContentURL')?.text.trim() ?? '';
    const fileHash = child(child(item!, 'Validation')!, 'FileHash')?.text.trim() ?? '';
    this.jobs.set(product, { url, fileHash, version: item?.attributes.get('Version') ?? '' });
    this.nodes.set(`${product}/Status`, '20');
    this.nodes.delete(`${product}/LastError`);
    return '202';
  }

  /** Finishes every job started in an earlier session (one taken off since is dropped). */
  advance(): void {
    for (const [product, job] of this.jobs) {
      this.jobs.delete(product);
      if (!this.nodes.has(`${product}/DownloadInstall`)) continue;
      const content = this.packages.get(job.url);
      const hash = content && createHash('sha256').update(content).digest('hex');
      if (hash === undefined || hash !== job.fileHash.toLowerCase()) {
        this.nodes.set(`${product}/Status`, '30');
        this.nodes.set(`${product}/LastError`, hash ? MSI_ERRORS.hashMismatch : MSI_ERRORS.notFound);
        continue;
      }
      this.nodes.set(`${product}/Status`, '70');
      this.nodes.set(`${product}/Version`, job.version);
    }
  }
}
