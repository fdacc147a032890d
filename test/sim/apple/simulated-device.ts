// A simulated Mac or iPhone speaking Apple's MDM protocol: enrol, check in, run command sessions, wake on push.
// https://developer.apple.com/documentation/devicemanagement/check-in
// https://developer.apple.com/documentation/devicemanagement/sending-mdm-commands-to-a-device
import { X509Certificate, createPrivateKey, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import { buildPlist, isPlistDict, parsePlistDict, type PlistDict } from '../../../core/apple/plist-codec.js';
import { createTestCa, issueCertificate } from '../../support/test-ca.js';
import {
  errorOutcome,
  removeProfile,
  respondToCommand,
  type CommandOutcome,
  type CommandStatus,
} from './command-responder.js';
import { createDeviceState, installProfile, type DeviceKind, type DeviceState } from './device-state.js';
import {
  createHttpAgents,
  destroyHttpAgents,
  httpRequest,
  type HttpAgents,
  type HttpResult,
} from './mdm-http.js';
import { MdmSigner, type SignatureForm, type SigningIdentity } from './mdm-signature.js';
import { readEnrollmentProfile, type MdmPayload } from './read-enrollment-profile.js';
import { readEnrollmentUpdate } from './enrollment-profile-update.js';
import { scepEnroller, type IdentityEnroller } from './scep-enroller.js';
import {
  reportStatus,
  syncDeclarations,
  type DeclarativeCheckIn,
  type DeclarativeSync,
} from './declarative-sync.js';

/** Anything that announces pushes as the fake APNs does. */
export interface PushSource {
  onPush(listener: (token: string, payload: unknown) => void): () => void;
}

/** Negative-test behaviours: each makes the edge see something a real, honest device never sends. */
export type Tamper =
  | { kind: 'unsigned' }
  | { kind: 'wrong-certificate' }
  | { kind: 'body-changed-after-signing' }
  | { kind: 'other-udid'; udid: string };

export interface SimulatedDeviceOptions {
  kind?: DeviceKind;
  state?: Partial<DeviceState>;
  signatureForm?: SignatureForm;
  /** Shared keep-alive agents (a fleet); the device makes its own otherwise, trusting the profile's anchors. */
  agents?: HttpAgents;
  enroller?: IdentityEnroller;
  /** Bound on commands in one session, so a server that never answers empty cannot spin the device forever. */
  maxCommandsPerSession?: number;
}

export interface EnrollOptions {
  /** PEM of the CA behind the edge's (dev) TLS certificate. */
  edgeCa?: string | string[];
  fakeApns?: PushSource;
  /** macOS: escrow a bootstrap token right after TokenUpdate, as Macs with a secure-token user do. */
  bootstrapToken?: boolean;
  keyPair?: { publicKey: KeyObject; privateKey: KeyObject };
}

export interface HandledCommand {
  commandUuid: string;
  requestType: string;
  status: CommandStatus;
  result: PlistDict;
}

/** A macOS user whose login opens a user channel. */
export interface SimulatedUser {
  /** The user's GUID on the Mac. */
  userId: string;
  shortName: string;
  longName?: string;
}

/** The keys that put a message on the user's channel. */
function userFields(user: SimulatedUser): PlistDict {
  return {
    UserID: user.userId,
    UserShortName: user.shortName,
    ...(user.longName ? { UserLongName: user.longName } : {}),
  };
}

export class DeviceOfflineError extends Error {
  override readonly name = 'DeviceOfflineError';
}

export class MdmHttpError extends Error {
  override readonly name = 'MdmHttpError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const CHECKIN_TYPE = 'application/x-apple-aspen-mdm-checkin';
const CONNECT_TYPE = 'application/x-apple-aspen-mdm';

export class SimulatedAppleDevice {
  readonly state: DeviceState;
  signatureForm: SignatureForm;
  tamper?: Tamper;
  /** Status and body of the last HTTP exchange, for assertions. */
  lastResponse?: HttpResult;
  /** Declarations fetched by the last DDM sync. */
  declarative?: DeclarativeSync;
  pushesReceived = 0;
  pushesIgnored = 0;
  /** The last failure of a push-triggered session (pushes have no caller to throw to). */
  lastSessionError?: unknown;
  /**
   * Per command UUID: how often the server handed it over, and how often the server answered 200 to its result
   * (then the result is stored, and a later delivery would be a duplicate). Fault tests keep their ledger by it.
   */
  readonly commandLedger = { received: new Map<string, number>(), answered: new Map<string, number>() };

  readonly drift = {
    /** The user removed a profile on the device; the server learns of it only from ProfileList. */
    removeProfile: (identifier: string): boolean => {
      const profile = this.state.profiles.get(identifier);
      if (profile?.payloads.some((p) => p.PayloadType === 'com.apple.mdm')) {
        throw new Error('removing the MDM profile unenrols the device: use checkOut()');
      }
      return removeProfile(this.state, identifier);
    },
    /** The device lost a declaration it had fetched; the server learns of it only from a status report. */
    removeDeclaration: (identifier: string): boolean => {
      const held = this.declarative;
      const before = held?.declarations.length ?? 0;
      if (held) held.declarations = held.declarations.filter((d) => d.identifier !== identifier);
      return (held?.declarations.length ?? 0) < before;
    },
    /** The device cannot apply a declaration: its status reports call it invalid with this reason code. */
    rejectDeclaration: (identifier: string, code = 'Error.ConfigurationCannotBeApplied'): void => {
      (this.state.rejectedDeclarations ??= new Map()).set(identifier, code);
    },
  };

  /** Identities renewed by an update of the enrollment profile. */
  identityRenewals = 0;
  /** The SCEP challenges those renewals carried, for tests that look for them where they must not be. */
  readonly renewalChallenges: string[] = [];
  /** Open user channels by UserID, with the push token that wakes each. */
  private readonly users = new Map<string, { user: SimulatedUser; pushToken: string }>();
  private mdm?: MdmPayload;
  private enrollmentIdentifier?: string;
  /** Made up by the device for each User Enrollment, as iOS and macOS do; unset for a device enrollment. */
  private userEnrollmentId?: string;
  private signer?: MdmSigner;
  private rogueSigner?: MdmSigner;
  private agents?: HttpAgents;
  private readonly ownsAgents: boolean;
  private readonly enroller: IdentityEnroller;
  private readonly maxCommands: number;
  private offline = false;
  private notNow: Set<string> | boolean = false;
  private failing = new Set<string>();
  private push?: { token: Uint8Array; magic: string; unsubscribe?: () => void };
  private session?: Promise<HandledCommand[]>;
  private rerun = false;
  private waiters: { resolve: (c: HandledCommand[]) => void; reject: (e: unknown) => void }[] = [];

  constructor(options: SimulatedDeviceOptions = {}) {
    this.state = createDeviceState(options.kind ?? 'mac', options.state);
    this.signatureForm = options.signatureForm ?? 'device';
    this.agents = options.agents;
    this.ownsAgents = options.agents === undefined;
    this.enroller = options.enroller ?? scepEnroller;
    this.maxCommands = options.maxCommandsPerSession ?? 200;
  }

  get udid(): string {
    return this.state.udid;
  }

  /** A User Enrollment's EnrollmentID: Keep's routing id for it, where a device enrollment has its UDID. */
  get enrollmentId(): string | undefined {
    return this.userEnrollmentId;
  }

  get enrolled(): boolean {
    return this.mdm !== undefined;
  }

  /** Hex of the APNs token, as the push provider addresses it. */
  get pushToken(): string | undefined {
    return this.push && Buffer.from(this.push.token).toString('hex');
  }

  get pushMagic(): string | undefined {
    return this.push?.magic;
  }

  get identity(): SigningIdentity | undefined {
    return this.signer?.identity;
  }

  /** Installs the enrollment profile: SCEP identity, then Authenticate and TokenUpdate. */
  async enrollFromProfile(profileBytes: Uint8Array, options: EnrollOptions = {}): Promise<void> {
    const read = readEnrollmentProfile(profileBytes);
    if (this.ownsAgents) {
      const edgeCa = typeof options.edgeCa === 'string' ? [options.edgeCa] : (options.edgeCa ?? []);
      const anchors = read.anchors.map((der) => new X509Certificate(der).toString());
      if (this.agents) destroyHttpAgents(this.agents);
      this.agents = createHttpAgents({ ca: [...edgeCa, ...anchors] });
    }
    const identity = await this.enroller(read.scep, {
      agents: this.requireAgents(),
      ...(options.keyPair ? { keyPair: options.keyPair } : {}),
    });
    this.signer = new MdmSigner(identity, this.signatureForm);
    this.state.identity = identity;
    this.mdm = read.mdm;
    this.userEnrollmentId = read.mdm.userEnrollment ? randomUUID().toUpperCase() : undefined;
    this.state.userEnrollment = read.mdm.userEnrollment;
    const installed = installProfile(this.state, read.profile, read.signerCertificates);
    this.enrollmentIdentifier = installed.identifier;
    this.state.certificates.push({
      commonName: commonName(identity.certificate),
      isIdentity: true,
      der: identity.certificate,
      profileIdentifier: this.enrollmentIdentifier,
    });

    await this.expectOk(this.checkIn('Authenticate', this.authenticateFields()), 'Authenticate');
    this.push = { token: randomBytes(32), magic: randomUUID().toUpperCase() };
    await this.expectOk(this.checkIn('TokenUpdate', this.tokenUpdateFields()), 'TokenUpdate');
    if (options.fakeApns) this.listenForPushes(options.fakeApns);
    if (options.bootstrapToken && this.state.kind === 'mac') {
      this.state.bootstrapToken = randomBytes(32);
      await this.expectOk(
        this.checkIn('SetBootstrapToken', {
          BootstrapToken: this.state.bootstrapToken,
          AwaitingConfiguration: false,
        }),
        'SetBootstrapToken',
      );
    }
  }

  /** Sends one check-in message; the response is returned (and kept in lastResponse), never thrown. */
  async checkIn(messageType: string, extra: PlistDict = {}): Promise<HttpResult> {
    const mdm = this.requireEnrollment();
    const body: PlistDict = { MessageType: messageType };
    // Apple's schemas carry Topic only in these three messages.
    if (['Authenticate', 'TokenUpdate', 'CheckOut'].includes(messageType)) body.Topic = mdm.topic;
    Object.assign(body, this.enrollmentRef(), extra);
    return this.send(mdm.checkInUrl, CHECKIN_TYPE, body);
  }

  /** Repeats TokenUpdate, e.g. after the server lost the token; the same token unless `rotate`. */
  async tokenUpdate(rotate = false): Promise<HttpResult> {
    if (rotate || !this.push)
      this.push = { ...this.push, token: randomBytes(32), magic: randomUUID().toUpperCase() };
    return this.checkIn('TokenUpdate', this.tokenUpdateFields());
  }

  /**
   * A macOS user logs in: UserAuthenticate (Keep answers an empty DigestChallenge, so no second round), then the
   * user's TokenUpdate opens the user channel with its own push token.
   * https://developer.apple.com/documentation/devicemanagement/userauthenticaterequest
   */
  async openUserChannel(user: SimulatedUser): Promise<void> {
    const fields = userFields(user);
    const answer = await this.checkIn('UserAuthenticate', { UserID: user.userId });
    if (answer.status !== 200)
      throw new MdmHttpError(answer.status, `UserAuthenticate answered ${answer.status}`);
    const challenge = parsePlistDict(answer.body).DigestChallenge;
    if (challenge !== '')
      throw new Error(`UserAuthenticate asked for a digest (${JSON.stringify(challenge)})`);
    const push = { token: randomBytes(32), magic: randomUUID().toUpperCase() };
    const mdm = this.requireEnrollment();
    await this.expectOk(
      this.checkIn('TokenUpdate', { Topic: mdm.topic, Token: push.token, PushMagic: push.magic, ...fields }),
      'user TokenUpdate',
    );
    this.users.set(user.userId, { user, pushToken: push.token.toString('hex') });
  }

  /** Commands the edge handed each user's channel, in order, by UserID. */
  readonly userCommands = new Map<string, HandledCommand[]>();

  /**
   * One command session: Idle, then answer each command until the server answers with an empty
   * body. Returns the commands handled, in order. With `user`, the session runs on that macOS user's channel.
   */
  async runSession(user?: SimulatedUser): Promise<HandledCommand[]> {
    const mdm = this.requireEnrollment();
    const handled: HandledCommand[] = [];
    const effects = new Set<NonNullable<CommandOutcome['after']>>();
    const channel = user ? userFields(user) : {};
    let report: PlistDict = { Status: 'Idle', ...this.enrollmentRef(), ...channel };
    for (let round = 0; ; round++) {
      if (round > this.maxCommands) throw new Error(`session did not end after ${this.maxCommands} commands`);
      const response = await this.send(mdm.serverUrl, CONNECT_TYPE, report);
      if (response.status !== 200)
        throw new MdmHttpError(response.status, `ServerURL answered ${response.status}`);
      if (typeof report.CommandUUID === 'string') count(this.commandLedger.answered, report.CommandUUID);
      // Erase, shut down and restart take the device away as soon as it has acknowledged them.
      if (effects.has('erase') || effects.has('shut-down') || effects.has('restart')) break;
      if (response.body.length === 0) break;
      const { commandUuid, command } = readCommand(response.body);
      count(this.commandLedger.received, commandUuid);
      const requestType = typeof command.RequestType === 'string' ? command.RequestType : '';
      const outcome: CommandOutcome = this.answersNotNow(requestType)
        ? { status: 'NotNow', result: {} }
        : this.failing.has(requestType)
          ? errorOutcome('MCProfileErrorDomain', 1009, `${requestType} failed on this device (simulated).`)
          : ((await this.updateEnrollment(command)) ?? respondToCommand(command, this.state));
      handled.push({ commandUuid, requestType, status: outcome.status, result: outcome.result });
      if (outcome.after) effects.add(outcome.after);
      report = {
        ...outcome.result,
        Status: outcome.status,
        CommandUUID: commandUuid,
        ...this.enrollmentRef(),
        ...channel,
        ...(outcome.errorChain ? { ErrorChain: outcome.errorChain } : {}),
      };
    }
    await this.applyEffects(effects);
    if (user) this.userCommands.set(user.userId, [...(this.userCommands.get(user.userId) ?? []), ...handled]);
    return handled;
  }

  /** Resolves with the commands of the next session a push starts (or rejects with its error). */
  nextSession(timeoutMs = 10_000): Promise<HandledCommand[]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        reject(new Error(`no push-triggered session within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = (commands: HandledCommand[]) => {
        clearTimeout(timer);
        resolve(commands);
      };
      this.waiters.push({
        resolve: done,
        reject: (error) => {
          clearTimeout(timer);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      });
    });
  }

  /** The DDM round trip: tokens, declaration-items, each declaration, then a status report. */
  async syncDeclarativeManagement(): Promise<DeclarativeSync> {
    this.declarative = await syncDeclarations(this.state, this.declarativeCheckIn, (url) =>
      this.fetchFromServer(url),
    );
    return this.declarative;
  }

  /** A full DDM status report on the declarations the device holds now, without fetching anything. */
  async reportDeclarativeStatus(): Promise<void> {
    await reportStatus(this.state, this.declarative ?? { declarations: [] }, this.declarativeCheckIn);
  }

  private readonly declarativeCheckIn: DeclarativeCheckIn = (endpoint, data) =>
    this.checkIn('DeclarativeManagement', { Endpoint: endpoint, ...(data ? { Data: data } : {}) });

  /** Offline: pushes are ignored and every request fails with DeviceOfflineError. */
  goOffline(): void {
    this.offline = true;
  }

  goOnline(): void {
    this.offline = false;
    this.state.poweredOff = false;
  }

  /** Answer NotNow to these RequestTypes (or to everything with `true`; `false` to stop). */
  answerNotNow(which: readonly string[] | boolean): void {
    this.notNow = typeof which === 'boolean' ? which : new Set(which);
  }

  /** Answer Error to these RequestTypes, changing nothing (an empty list to stop). */
  answerError(which: readonly string[]): void {
    this.failing = new Set(which);
  }

  /** The user removed the MDM profile: CheckOut, then the device forgets the enrollment. */
  async checkOut(): Promise<HttpResult> {
    const response = await this.checkIn('CheckOut');
    if (this.enrollmentIdentifier) removeProfile(this.state, this.enrollmentIdentifier);
    this.forgetEnrollment();
    return response;
  }

  /** Stops listening for pushes and closes the device's own sockets. */
  close(): void {
    this.push?.unsubscribe?.();
    if (this.ownsAgents && this.agents) destroyHttpAgents(this.agents);
  }

  /**
   * GET of a URL the MDM server hosts (a legacy declaration's ProfileURL), authenticated as check-ins are: the
   * Mdm-Signature covers the empty body.
   */
  async fetchFromServer(url: string): Promise<HttpResult> {
    if (this.offline || this.state.poweredOff || this.state.erased) {
      throw new DeviceOfflineError(`device ${this.state.serialNumber} is offline`);
    }
    const headers: Record<string, string> = { 'User-Agent': 'MDM/1.0' };
    if (this.mdm?.signMessage && this.tamper?.kind !== 'unsigned') {
      const signer = this.tamper?.kind === 'wrong-certificate' ? this.rogue() : this.requireSigner();
      headers['Mdm-Signature'] = signer.sign(Buffer.alloc(0));
    }
    this.lastResponse = await httpRequest('GET', url, undefined, headers, this.requireAgents());
    return this.lastResponse;
  }

  private async send(url: string, contentType: string, dict: PlistDict): Promise<HttpResult> {
    if (this.offline || this.state.poweredOff || this.state.erased) {
      throw new DeviceOfflineError(`device ${this.state.serialNumber} is offline`);
    }
    let body = Buffer.from(buildPlist(dict), 'utf8');
    const headers: Record<string, string> = { 'Content-Type': contentType, 'User-Agent': 'MDM/1.0' };
    const tamper = this.tamper?.kind;
    if (this.mdm?.signMessage && tamper !== 'unsigned') {
      const signer = tamper === 'wrong-certificate' ? this.rogue() : this.requireSigner();
      headers['Mdm-Signature'] = signer.sign(body);
      if (tamper === 'body-changed-after-signing') {
        body = Buffer.from(body.toString('utf8').replace('</dict>', '<key>Tampered</key><true/></dict>'));
      }
    }
    this.lastResponse = await httpRequest('PUT', url, body, headers, this.requireAgents());
    return this.lastResponse;
  }

  /**
   * The enrollment profile again (a renewal): the device enrols the new SCEP identity and uses it from its answer
   * on, as the MDM payload's IdentityCertificateUUID now names it. Undefined for any other command.
   */
  private async updateEnrollment(command: PlistDict): Promise<CommandOutcome | undefined> {
    if (!this.mdm || !this.enrollmentIdentifier) return undefined;
    const update = readEnrollmentUpdate(command, {
      identifier: this.enrollmentIdentifier,
      mdm: this.mdm,
      identity: this.signer?.identity,
    });
    if (update?.kind !== 'update') return update?.outcome;
    let identity: SigningIdentity;
    try {
      identity = await this.enroller(update.profile.scep, { agents: this.requireAgents() });
    } catch {
      return errorOutcome('MCProfileErrorDomain', 1009, 'The SCEP server did not issue an identity.');
    }
    this.signer = new MdmSigner(identity, this.signatureForm);
    this.state.identity = identity;
    installProfile(this.state, update.profile.profile, update.profile.signerCertificates);
    this.state.certificates.push({
      commonName: commonName(identity.certificate),
      isIdentity: true,
      der: identity.certificate,
      profileIdentifier: this.enrollmentIdentifier,
    });
    this.identityRenewals++;
    if (update.profile.scep.challenge !== undefined)
      this.renewalChallenges.push(update.profile.scep.challenge);
    return { status: 'Acknowledged', result: {} };
  }

  private async applyEffects(effects: Set<NonNullable<CommandOutcome['after']>>): Promise<void> {
    if (effects.has('erase')) {
      this.state.erased = true;
      this.forgetEnrollment();
    } else if (effects.has('shut-down')) {
      this.state.poweredOff = true;
    } else if (effects.has('restart')) {
      this.state.restarts++;
    }
    if (effects.has('declarative-sync') && !this.state.erased && !this.state.poweredOff) {
      await this.syncDeclarativeManagement();
    }
  }

  private listenForPushes(source: PushSource): void {
    this.push?.unsubscribe?.();
    const unsubscribe = source.onPush((token, payload) => {
      // A push to a user's token wakes that user's channel (macOS runs it in the user's session).
      const user = [...this.users.values()].find((u) => u.pushToken === token.toLowerCase());
      if (user && !this.offline && !this.state.poweredOff && !this.state.erased) {
        this.runSession(user.user).catch((error: unknown) => (this.lastSessionError = error));
        return;
      }
      if (!this.push || token.toLowerCase() !== this.pushToken) return;
      if (!isPlistDict(payload as PlistDict) || (payload as PlistDict).mdm !== this.push.magic) return;
      this.pushesReceived++;
      if (this.offline || this.state.poweredOff || this.state.erased) {
        this.pushesIgnored++;
        return;
      }
      this.wake();
    });
    if (this.push) this.push.unsubscribe = unsubscribe;
  }

  /** A push during a session makes the device poll once more afterwards, as devices coalesce pushes. */
  private wakeRetries = 0;

  private wake(): void {
    if (this.session) {
      this.rerun = true;
      return;
    }
    this.session = this.runSession();
    this.session.then(
      (commands) => {
        this.session = undefined;
        this.settleWaiters((w) => w.resolve(commands));
        if (this.rerun) {
          this.rerun = false;
          this.wake();
        }
      },
      (error: unknown) => {
        this.session = undefined;
        this.rerun = false;
        this.lastSessionError = error;
        this.settleWaiters((w) => w.reject(error));
        // Like a real device, retry a failed connection a few times with backoff (a push is not resent).
        if (this.wakeRetries < 3 && !this.offline && this.mdm) {
          const delay = 500 * 2 ** this.wakeRetries++;
          setTimeout(() => this.wake(), delay).unref();
        }
      },
    );
    this.session.then(() => (this.wakeRetries = 0)).catch(() => undefined);
  }

  private settleWaiters(settle: (w: (typeof this.waiters)[number]) => void): void {
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach(settle);
  }

  private answersNotNow(requestType: string): boolean {
    return typeof this.notNow === 'boolean' ? this.notNow : this.notNow.has(requestType);
  }

  private authenticateFields(): PlistDict {
    const s = this.state;
    const fields: PlistDict = {
      OSVersion: s.osVersion,
      BuildVersion: s.buildVersion,
      ProductName: s.productName,
    };
    // A User Enrollment keeps the device's hardware ids from the organisation.
    if (this.userEnrollmentId) return fields;
    fields.SerialNumber = s.serialNumber;
    // Apple documents DeviceName, Model and ModelName in Authenticate for macOS only.
    if (s.kind === 'mac')
      Object.assign(fields, { DeviceName: s.deviceName, Model: s.model, ModelName: s.modelName });
    else if (s.imei) fields.IMEI = s.imei;
    return fields;
  }

  private tokenUpdateFields(): PlistDict {
    const push = this.push;
    if (!push) throw new Error('no push token yet');
    const fields: PlistDict = {
      Token: push.token,
      PushMagic: push.magic,
      AwaitingConfiguration: this.state.awaitingConfiguration ?? false,
    };
    if (this.state.kind === 'iphone') fields.UnlockToken = randomBytes(64);
    else fields.NotOnConsole = false;
    return fields;
  }

  /** Who the device says it is: its UDID, or a User Enrollment's EnrollmentID (Apple forbids it the UDID). */
  private enrollmentRef(): PlistDict {
    if (this.userEnrollmentId) return { EnrollmentID: this.userEnrollmentId };
    return { UDID: this.tamper?.kind === 'other-udid' ? this.tamper.udid : this.state.udid };
  }

  private forgetEnrollment(): void {
    this.push?.unsubscribe?.();
    this.push = undefined;
    this.mdm = undefined;
  }

  private async expectOk(pending: Promise<HttpResult>, what: string): Promise<void> {
    const response = await pending;
    if (response.status !== 200) {
      // The edge's reason (a short plain-text line) says which check refused the device.
      const reason = response.body.subarray(0, 200).toString('utf8').trim();
      throw new MdmHttpError(
        response.status,
        `${what} answered ${response.status}${reason ? `: ${reason}` : ''}`,
      );
    }
  }

  private requireEnrollment(): MdmPayload {
    if (!this.mdm) throw new Error('device is not enrolled');
    return this.mdm;
  }

  private requireSigner(): MdmSigner {
    if (!this.signer) throw new Error('device has no identity');
    if (this.signer.form !== this.signatureForm)
      this.signer = new MdmSigner(this.signer.identity, this.signatureForm);
    return this.signer;
  }

  private requireAgents(): HttpAgents {
    this.agents ??= createHttpAgents();
    return this.agents;
  }

  /** A certificate with the same subject from a CA the server has never seen. */
  private rogue(): MdmSigner {
    if (!this.rogueSigner || this.rogueSigner.form !== this.signatureForm) {
      const issued = issueCertificate(createTestCa('Rogue CA'), {
        subject: [{ name: 'commonName', value: commonName(this.requireSigner().identity.certificate) }],
      });
      const certificate = new X509Certificate(issued.certPem).raw;
      this.rogueSigner = new MdmSigner(
        { certificate, privateKey: createPrivateKey(issued.keyPem) },
        this.signatureForm,
      );
    }
    return this.rogueSigner;
  }
}

function readCommand(body: Buffer): { commandUuid: string; command: PlistDict } {
  const dict = parsePlistDict(body);
  if (typeof dict.CommandUUID !== 'string' || !isPlistDict(dict.Command)) {
    throw new Error('server sent a command without CommandUUID or Command');
  }
  return { commandUuid: dict.CommandUUID, command: dict.Command };
}

function commonName(certificate: Uint8Array): string {
  return /^CN=(.*)$/m.exec(new X509Certificate(certificate).subject)?.[1] ?? 'identity';
}

function count(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}
