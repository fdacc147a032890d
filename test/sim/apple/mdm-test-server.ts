// A tiny MDM server for the simulator's tests: HTTPS on 127.0.0.1, verifies Mdm-Signature, queues commands.
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import {
  decodeCheckin,
  buildGetBootstrapTokenResponse,
  type CheckinMessage,
} from '../../../core/apple/checkin/index.js';
import { decodeCommandReport, type CommandReport } from '../../../core/apple/command-report.js';
import { serializeCommand, type MdmCommand } from '../../../core/apple/commands/index.js';
import {
  buildDeclarationItemsResponse,
  buildTokensResponse,
  declarationDocument,
  type Declaration,
} from '../../../core/apple/declarative/index.js';
import { parsePlistDict, type PlistDict } from '../../../core/apple/plist-codec.js';
import { verifySignedData } from '../../../core/cms/index.js';
import { createTestCa, issueLoopbackServerCertificate, type TestCa } from '../../support/test-ca.js';

export type SignatureVerdict = 'valid' | 'missing' | 'bad-signature' | 'wrong-certificate';

export interface RecordedMessage<T> {
  dict: PlistDict;
  decoded: T;
  signature: SignatureVerdict;
  /** The digest of the signer's SignerInfo, when the signature verified. */
  digest?: string;
  signedAttributes: boolean;
  /** Whether the SignedData used an indefinite length at the top, as real devices' BER does. */
  indefiniteLength: boolean;
}

interface Queued {
  command: MdmCommand;
  /** Skipped for the rest of the session it was answered NotNow in. */
  notNowInSession: boolean;
}

export interface MdmTestServer {
  origin: string;
  checkInUrl: string;
  serverUrl: string;
  /** CA behind the server's TLS certificate: put it in the profile as an anchor, or give it as edgeCa. */
  tlsCa: TestCa;
  checkins: RecordedMessage<CheckinMessage>[];
  reports: RecordedMessage<CommandReport>[];
  declarations: Declaration[];
  enqueue(udid: string, command: MdmCommand): void;
  queued(udid: string): MdmCommand[];
  close(): Promise<void>;
}

/**
 * Plays the server side the way the edge must: a request whose signature is missing or wrong, or
 * whose certificate is not the one bound to the UDID at Authenticate, gets 403 and is not acted on.
 */
export async function startMdmTestServer(
  options: { requireSignature?: boolean } = {},
): Promise<MdmTestServer> {
  const requireSignature = options.requireSignature ?? true;
  const tlsCa = createTestCa('MDM Test Server CA');
  const tls = issueLoopbackServerCertificate(tlsCa);
  const bound = new Map<string, string>();
  const queues = new Map<string, Queued[]>();
  const bootstrapTokens = new Map<string, Uint8Array>();
  const checkins: RecordedMessage<CheckinMessage>[] = [];
  const reports: RecordedMessage<CommandReport>[] = [];
  const declarations: Declaration[] = [];

  function verify(body: Buffer, header: string | undefined, udid: string | undefined) {
    if (!header) return { signature: 'missing' as const, signedAttributes: false, indefiniteLength: false };
    const der = Buffer.from(header, 'base64');
    const indefiniteLength = der[1] === 0x80;
    try {
      const verified = verifySignedData(der, { detachedContent: body });
      const fingerprint = verified.signer.certificate.sha256;
      const expected = udid === undefined ? undefined : bound.get(udid);
      const signedAttributes = verified.signer.signedAttributes !== undefined;
      if (expected !== undefined && expected !== fingerprint) {
        return { signature: 'wrong-certificate' as const, signedAttributes, indefiniteLength, fingerprint };
      }
      return {
        signature: 'valid' as const,
        digest: verified.signer.digest,
        signedAttributes,
        indefiniteLength,
        fingerprint,
      };
    } catch {
      return { signature: 'bad-signature' as const, signedAttributes: false, indefiniteLength };
    }
  }

  function nextCommand(udid: string): Buffer {
    const next = (queues.get(udid) ?? []).find((q) => !q.notNowInSession);
    return next ? Buffer.from(serializeCommand(next.command)) : Buffer.alloc(0);
  }

  function handleCheckin(message: CheckinMessage, udid: string, fingerprint: string | undefined): Buffer {
    switch (message.messageType) {
      case 'Authenticate':
        if (fingerprint && !bound.has(udid)) bound.set(udid, fingerprint);
        return Buffer.alloc(0);
      case 'SetBootstrapToken':
        if (message.bootstrapToken) bootstrapTokens.set(udid, message.bootstrapToken);
        return Buffer.alloc(0);
      case 'GetBootstrapToken':
        return Buffer.from(buildGetBootstrapTokenResponse(bootstrapTokens.get(udid)));
      case 'DeclarativeManagement':
        return Buffer.from(JSON.stringify(declarative(message.endpoint)));
      case 'CheckOut':
        bound.delete(udid);
        queues.delete(udid);
        return Buffer.alloc(0);
      default:
        return Buffer.alloc(0);
    }
  }

  function declarative(endpoint: string): unknown {
    if (endpoint === 'tokens') return buildTokensResponse(declarations, new Date(0));
    if (endpoint === 'declaration-items') return buildDeclarationItemsResponse(declarations);
    if (endpoint === 'status') return {};
    const identifier = decodeURIComponent(endpoint.split('/')[2] ?? '');
    const found = declarations.find((d) => d.identifier === identifier);
    if (!found) throw new Error(`unknown declaration ${identifier}`);
    return declarationDocument(found);
  }

  function handleReport(report: CommandReport, udid: string): Buffer {
    const queue = queues.get(udid) ?? [];
    if (report.status === 'Idle') for (const q of queue) q.notNowInSession = false;
    else {
      const index = queue.findIndex((q) => q.command.CommandUUID === report.commandUuid);
      if (index >= 0 && report.status === 'NotNow') queue[index]!.notNowInSession = true;
      else if (index >= 0) queue.splice(index, 1);
    }
    return nextCommand(udid);
  }

  const server = https.createServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      try {
        const body = Buffer.concat(chunks);
        const dict = parsePlistDict(body);
        const udid = typeof dict.UDID === 'string' ? dict.UDID : undefined;
        const verdict = verify(body, req.headers['mdm-signature'] as string | undefined, udid);
        const refused =
          verdict.signature !== 'valid' && (requireSignature || verdict.signature !== 'missing');
        const record = { dict, ...verdict };
        let answer: Buffer;
        if (
          req.url === '/mdm/checkin' &&
          req.headers['content-type'] === 'application/x-apple-aspen-mdm-checkin'
        ) {
          const decoded = decodeCheckin(dict);
          checkins.push({ ...record, decoded });
          if (refused || !udid) return void res.writeHead(403).end();
          answer = handleCheckin(decoded, udid, verdict.fingerprint);
        } else if (
          req.url === '/mdm/connect' &&
          req.headers['content-type'] === 'application/x-apple-aspen-mdm'
        ) {
          const decoded = decodeCommandReport(dict);
          reports.push({ ...record, decoded });
          if (refused || !udid) return void res.writeHead(403).end();
          answer = handleReport(decoded, udid);
        } else {
          return void res.writeHead(404).end();
        }
        res.writeHead(200, answer.length ? { 'Content-Type': 'application/xml' } : {}).end(answer);
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `https://127.0.0.1:${port}`;
  return {
    origin,
    checkInUrl: `${origin}/mdm/checkin`,
    serverUrl: `${origin}/mdm/connect`,
    tlsCa,
    checkins,
    reports,
    declarations,
    enqueue: (udid, command) => {
      const queue = queues.get(udid) ?? [];
      queue.push({ command, notNowInSession: false });
      queues.set(udid, queue);
    },
    queued: (udid) => (queues.get(udid) ?? []).map((q) => q.command),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
