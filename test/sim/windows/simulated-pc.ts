// A simulated Windows PC: enrols over MS-MDE2 (discovery, XCEP, WSTEP with a real CSR and its own RSA key),
// installs what the provisioning document gives it, then runs OMA-DM sessions over mTLS against a CSP tree it
// keeps (Get answers from it, Add/Replace/Delete change it with OMA-DM's status codes, Exec is recorded and an
// MSI's DownloadInstall runs in its installer).
// A test drifts a setting by changing `nodes` directly, as a local administrator would.
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import {
  ALERT,
  decodeSyncML,
  encodeSyncML,
  SYNCML_CONTENT_TYPE,
  type SyncMLCommand,
  type SyncMLMessage,
} from '../../../core/windows/index.js';
import { child, parseXmlDocument, type XmlElement } from '../../../core/windows/xml-document.js';
import { httpRequest, type HttpAgents, type HttpResult } from '../apple/mdm-http.js';
import { SimulatedMsiInstaller } from './simulated-msi-installer.js';
import { buildCsr, pem } from '../scep/x509-builder.js';
import {
  discoverRequest,
  getPoliciesRequest,
  requestSecurityTokenRequest,
  type Credential,
  type SignInToken,
} from './enrollment-messages.js';

const SOAP = { 'Content-Type': 'application/soap+xml; charset=utf-8' };

export interface Provisioned {
  deviceCertDer: Buffer;
  rootCertDer: Buffer;
  managementUrl: string;
}

export type EnrollResult =
  { ok: true; provisioned: Provisioned } | { ok: false; status: number; fault: string };

export interface SessionLog {
  /** Every message the server sent in the session, decoded. */
  received: SyncMLMessage[];
}

/**
 * Federated enrolment: the PC's web broker opens the sign-in URL (with `appru` and `login_hint`, MS-MDE2 §3.2.5.1);
 * `broker` plays the user in that window and resolves to the `wresult` posted to `appru`.
 */
export interface FederatedSignIn {
  email: string;
  broker: (signInUrl: string, appru: string) => Promise<string>;
}

/** The web broker's own callback address (the Settings app's). */
export const BROKER_APPRU = 'ms-app://windows.immersivecontrolpanel';

export interface SimulatedPcOptions {
  /** The edge's TLS CA. */
  edgeCa: string;
  deviceId?: string;
  /** CSP state at start (node path → value). */
  nodes?: Record<string, string>;
  /** The WNS channel URI Windows opens once the server sets the DMClient push PFN. */
  pushChannelUri?: string;
  /** Statuses and results per message before the PC splits its package (Alert 1222); default no split. */
  maxAnswersPerMessage?: number;
  /** What each MSI content URL serves the PC's installer; a URL not here fails to download. */
  msiPackages?: Record<string, Buffer>;
}

export class SimulatedPc {
  readonly deviceId: string;
  readonly nodes: Map<string, string>;
  readonly executed: string[] = [];
  readonly installer: SimulatedMsiInstaller;
  readonly key: { publicKey: KeyObject; privateKey: KeyObject };
  provisioned?: Provisioned;
  private readonly plain: HttpAgents;

  constructor(private readonly options: SimulatedPcOptions) {
    this.deviceId = options.deviceId ?? randomBytes(16).toString('hex').toUpperCase();
    this.key = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.nodes = new Map(
      Object.entries({
        './DevInfo/DevId': this.deviceId,
        './DevInfo/Man': 'Contoso',
        './DevInfo/Mod': 'Surface Laptop 5',
        './DevInfo/DmV': '1.3',
        './DevInfo/Lang': 'en-US',
        './DevDetail/SwV': '10.0.22631.4460',
        './DevDetail/Ext/Microsoft/DeviceName': 'ADA-LAPTOP',
        './DevDetail/Ext/Microsoft/SMBIOSSerialNumber': `SN${this.deviceId.slice(0, 10)}`,
        './Vendor/MSFT/DeviceStatus/Compliance/EncryptionCompliance': '0',
        // On and monitoring, as Windows ships.
        './Vendor/MSFT/DeviceStatus/Firewall/Status': '0',
        './Vendor/MSFT/DeviceStatus/SecureBootState': '1',
        './Vendor/MSFT/DeviceStatus/TPM/SpecificationVersion': '2.0, 0, 1.59',
        ...options.nodes,
      }),
    );
    this.plain = agents(options.edgeCa);
    this.installer = new SimulatedMsiInstaller(
      this.nodes,
      new Map(Object.entries(options.msiPackages ?? {})),
    );
  }

  /** Discovery, policy and enrolment, as the Settings app runs them; the PC keeps the certificate it got. */
  async enroll(baseUrl: string, signIn: Credential | FederatedSignIn): Promise<EnrollResult> {
    const discoveryUrl = `${baseUrl}/EnrollmentServer/Discovery.svc`;
    const email = 'email' in signIn ? signIn.email : signIn.username;
    const discovered = await this.soap(discoveryUrl, discoverRequest(discoveryUrl, email));
    if (discovered.status !== 200) return failure(discovered);
    const result = first(parseXmlDocument(discovered.body), 'DiscoverResult');
    const policyUrl = text(result, 'EnrollmentPolicyServiceUrl');
    const enrollmentUrl = text(result, 'EnrollmentServiceUrl');
    const policy = text(result, 'AuthPolicy');
    let credential: Credential | SignInToken;
    if (policy === 'Federated' && 'broker' in signIn) {
      const url = new URL(text(result, 'AuthenticationServiceUrl'));
      url.searchParams.set('appru', BROKER_APPRU);
      url.searchParams.set('login_hint', email);
      credential = { token: await signIn.broker(url.href, BROKER_APPRU) };
    } else if (policy === 'OnPremise' && 'password' in signIn) credential = signIn;
    else
      throw new Error(
        `the server answered AuthPolicy ${policy}, which this PC was not given a credential for`,
      );
    const policies = await this.soap(policyUrl, getPoliciesRequest(policyUrl, credential));
    if (policies.status !== 200) return failure(policies);
    const csrDer = buildCsr({ ...this.key, subject: [{ name: 'commonName', value: this.deviceId }] });
    const token = await this.soap(
      enrollmentUrl,
      requestSecurityTokenRequest(enrollmentUrl, credential, csrDer, {
        DeviceID: this.deviceId,
        HWDevID: `${this.deviceId}${this.deviceId}`,
        EnrollmentType: 'Full',
        DeviceType: 'CIMClient_Windows',
        OSVersion: this.nodes.get('./DevDetail/SwV')!,
      }),
    );
    if (token.status !== 200) return failure(token);
    const document = Buffer.from(
      text(first(parseXmlDocument(token.body), 'BinarySecurityToken'), ''),
      'base64',
    );
    this.provisioned = readProvisioningDoc(document.toString('utf8'));
    return { ok: true, provisioned: this.provisioned };
  }

  /** One OMA-DM session (Alert 1201 and DevInfo first), carried on until the server sends no more commands. */
  async session(): Promise<SessionLog> {
    const provisioned = this.provisioned;
    if (!provisioned) throw new Error('enrol first');
    // Installs asked for in an earlier session have run since.
    this.installer.advance();
    const sessionId = String(Math.floor(Math.random() * 0xffff) + 1);
    const log: SessionLog = { received: [] };
    let msgId = 1;
    let pending: SyncMLCommand[] = [
      { command: 'Alert', cmdId: 0, data: ALERT.clientInitiated, items: [] },
      {
        command: 'Replace',
        cmdId: 0,
        items: ['DevId', 'Man', 'Mod', 'DmV', 'Lang'].map((n) => ({
          source: `./DevInfo/${n}`,
          data: this.nodes.get(`./DevInfo/${n}`) ?? '',
        })),
      },
    ];
    for (let round = 0; round < 50; round++) {
      const limit = this.options.maxAnswersPerMessage ?? Number.POSITIVE_INFINITY;
      const now = pending.slice(0, limit);
      pending = pending.slice(now.length);
      const reply = await this.send({
        header: { sessionId, msgId, target: provisioned.managementUrl, source: this.deviceId },
        commands: now.map((command, i) => ({ ...command, cmdId: i + 1 })),
        final: pending.length === 0,
      });
      log.received.push(reply);
      const answers = this.answer(reply);
      msgId++;
      if (pending.length > 0) continue; // the server asked for the rest with Alert 1222
      // Only the server's own statuses left: the session is over.
      if (!reply.commands.some((c) => c.command !== 'Status')) return log;
      pending = answers;
    }
    throw new Error('the session did not end');
  }

  /** Sends one SyncML message over mTLS with the enrolled identity; the raw answer for refusal tests. */
  async post(body: string | Buffer, identity?: { certPem: string; keyPem: string }): Promise<HttpResult> {
    const provisioned = this.provisioned!;
    const mtls = agents(this.options.edgeCa, identity ?? this.identity());
    try {
      return await httpRequest(
        'POST',
        provisioned.managementUrl,
        Buffer.from(body),
        { 'Content-Type': SYNCML_CONTENT_TYPE },
        mtls,
      );
    } finally {
      mtls.https.destroy();
    }
  }

  identity(): { certPem: string; keyPem: string } {
    return {
      certPem: pem(this.provisioned!.deviceCertDer),
      keyPem: this.key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    };
  }

  close(): void {
    this.plain.https.destroy();
    this.plain.http.destroy();
  }

  private async send(message: SyncMLMessage): Promise<SyncMLMessage> {
    const result = await this.post(encodeSyncML(message));
    if (result.status !== 200) throw new Error(`session refused: ${result.status} ${result.body.toString()}`);
    return decodeSyncML(result.body);
  }

  /** Statuses for the server's commands (its SyncHdr first), and Results for its Gets, from the CSP tree. */
  private answer(reply: SyncMLMessage): SyncMLCommand[] {
    const out: SyncMLCommand[] = [
      { command: 'Status', cmdId: 0, msgRef: reply.header.msgId, cmdRef: 0, cmd: 'SyncHdr', data: '200' },
    ];
    const apply = (command: SyncMLCommand): void => {
      switch (command.command) {
        case 'Status':
        case 'Results':
          return;
        case 'Alert':
          // 1222: the server wants the rest of the package, which the loop sends; nothing to answer here.
          return;
        case 'Atomic':
          out.push(status(command, reply.header.msgId, '200'));
          command.commands.forEach(apply);
          return;
        case 'Get': {
          const found = command.items.filter((i) => i.target && this.nodes.has(i.target));
          out.push(status(command, reply.header.msgId, found.length ? '200' : '404'));
          if (found.length)
            out.push({
              command: 'Results',
              cmdId: 0,
              msgRef: reply.header.msgId,
              cmdRef: command.cmdId,
              items: found.map((i) => ({ source: i.target!, data: this.nodes.get(i.target!)! })),
            });
          return;
        }
        case 'Add':
        case 'Replace': {
          const verb = command.command;
          const codes = command.items.map((i) =>
            i.target ? this.write(verb, i.target, i.data ?? '') : '400',
          );
          out.push(status(command, reply.header.msgId, codes.find((c) => c !== '200') ?? '200'));
          return;
        }
        case 'Delete': {
          const codes = command.items.map((i) => (i.target ? this.remove(i.target) : '400'));
          out.push(status(command, reply.header.msgId, codes.find((c) => c !== '200') ?? '200'));
          return;
        }
        case 'Exec': {
          const codes = command.items.map((i) => {
            if (!i.target) return '400';
            this.executed.push(i.target);
            return this.installer.exec(i.target, i.data ?? '') ?? '202';
          });
          out.push(status(command, reply.header.msgId, codes.find((c) => c !== '202') ?? '202'));
          return;
        }
        default:
          return unreachable(command);
      }
    };
    reply.commands.forEach(apply);
    return out;
  }

  /**
   * OMA-DM's codes for a write (RepPro §10): 405 on the read-only DevInfo and DevDetail trees, 418 when Add
   * finds the node already there; Replace creates a node its CSP defines but nobody set yet (implicit add).
   */
  private write(command: 'Add' | 'Replace', target: string, data: string): string {
    if (READ_ONLY.test(target)) return '405';
    if (command === 'Add' && this.nodes.has(target)) return '418';
    this.nodes.set(target, data);
    // Windows opens a WNS channel for the package family name and publishes its URI beside it.
    if (target.endsWith('/Push/PFN') && this.options.pushChannelUri)
      this.nodes.set(target.replace(/PFN$/, 'ChannelURI'), this.options.pushChannelUri);
    // BitLocker here finishes at once, so DeviceStatus reports the disk encrypted from the next Get.
    if (target === REQUIRE_ENCRYPTION && data === '1') this.nodes.set(ENCRYPTION_COMPLIANCE, '1');
    // DeviceStatus reports the firewall disabled while any network profile has it off.
    if (FIREWALL_SWITCH.test(target)) {
      const off = [...this.nodes].some(([n, v]) => FIREWALL_SWITCH.test(n) && v.toLowerCase() === 'false');
      this.nodes.set(FIREWALL_STATUS, off ? '1' : '0');
    }
    return '200';
  }

  /** Deletes the node and everything below it (a certificate goes with its thumbprint node); 404 if none. */
  private remove(target: string): string {
    if (READ_ONLY.test(target)) return '405';
    const gone = [...this.nodes.keys()].filter((n) => n === target || n.startsWith(`${target}/`));
    gone.forEach((n) => this.nodes.delete(n));
    return gone.length > 0 ? '200' : '404';
  }

  private soap(url: string, body: string): Promise<HttpResult> {
    return httpRequest('POST', url, Buffer.from(body), SOAP, this.plain);
  }
}

const READ_ONLY = /^\.\/(DevInfo|DevDetail)\//;
const REQUIRE_ENCRYPTION = './Device/Vendor/MSFT/BitLocker/RequireDeviceEncryption';
const ENCRYPTION_COMPLIANCE = './Vendor/MSFT/DeviceStatus/Compliance/EncryptionCompliance';
const FIREWALL_SWITCH = /^\.\/Vendor\/MSFT\/Firewall\/MdmStore\/\w+Profile\/EnableFirewall$/;
const FIREWALL_STATUS = './Vendor/MSFT/DeviceStatus/Firewall/Status';

function status(command: SyncMLCommand, msgRef: number, data: string): SyncMLCommand {
  return { command: 'Status', cmdId: 0, msgRef, cmdRef: command.cmdId, cmd: command.command, data };
}

/** HTTPS agents trusting the edge's CA, with the PC's identity for OMA-DM (without: the web broker's). */
export function agents(ca: string, identity?: { certPem: string; keyPem: string }): HttpAgents {
  return {
    http: new http.Agent(),
    https: new https.Agent({ ca, ...(identity ? { cert: identity.certPem, key: identity.keyPem } : {}) }),
    ca: [ca],
    timeoutMs: 30_000,
  };
}

/** The first element of this local name anywhere below `root` (depth first). */
function first(root: XmlElement, local: string): XmlElement {
  const stack = [root];
  while (stack.length) {
    const element = stack.shift()!;
    if (element.local === local) return element;
    stack.unshift(...element.children);
  }
  throw new Error(`no <${local}> in the answer`);
}

function text(element: XmlElement, local: string): string {
  return (local ? child(element, local) : element)?.text.trim() ?? '';
}

function failure(result: HttpResult): EnrollResult {
  const fault = parseXmlDocument(result.body);
  const subcode = first(first(fault, 'Subcode'), 'Value').text.trim();
  return { ok: false, status: result.status, fault: subcode };
}

/** The certificates (My and Root stores) and the w7 ADDR out of the wap-provisioningdoc. */
function readProvisioningDoc(document: string): Provisioned {
  const root = parseXmlDocument(document);
  const store = (name: string) => {
    const element = root.children
      .find((c) => c.attributes.get('type') === 'CertificateStore')
      ?.children.find((c) => c.attributes.get('type') === name);
    const parm = element && first(element, 'parm');
    return Buffer.from(parm?.attributes.get('value') ?? '', 'base64');
  };
  const app = root.children.find((c) => c.attributes.get('type') === 'APPLICATION');
  const addr = app?.children.find((c) => c.attributes.get('name') === 'ADDR')?.attributes.get('value') ?? '';
  return { deviceCertDer: store('My'), rootCertDer: store('Root'), managementUrl: addr };
}

function unreachable(value: never): never {
  throw new Error(`unhandled command ${JSON.stringify(value)}`);
}
