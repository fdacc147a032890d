// The one validated configuration schema: every Keep setting, its default and what it means.
import { z } from 'zod';

/** "host:port" to listen on. */
const listen = z
  .string()
  .regex(/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'expected host:port, e.g. 127.0.0.1:8443')
  .transform((value) => {
    const at = value.lastIndexOf(':');
    const port = Number(value.slice(at + 1));
    if (port > 65535) throw new Error('port must be 0–65535');
    return { host: value.slice(0, at).replace(/^\[|\]$/g, ''), port };
  });

const bool = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no'])])
  .transform((v) => (typeof v === 'boolean' ? v : ['true', '1', 'yes'].includes(v)));

const keyRingSpec = z
  .string()
  .min(1)
  .regex(
    /^[A-Za-z0-9._-]{1,64}:[A-Za-z0-9+/=]{43,44}(,[A-Za-z0-9._-]{1,64}:[A-Za-z0-9+/=]{43,44})*$/,
    'expected <id>:<base64 of 32 bytes>[,<id>:<base64>…], newest first',
  );

const postgresUrl = z.string().regex(/^postgres(ql)?:\/\//, 'expected a postgres:// URL');

export const databaseSettings = z.strictObject({
  url: postgresUrl.describe('Postgres URL the core connects with (role owning the "core" schema).'),
  poolSize: z.coerce.number().int().min(1).max(200).default(10).describe('Connections per process.'),
});

export const edgeDatabaseSettings = z.strictObject({
  url: postgresUrl.describe('Postgres URL the edge connects with (role limited to the "edge" schema).'),
  poolSize: z.coerce.number().int().min(1).max(200).default(20).describe('Connections per edge process.'),
});

export const temporalSettings = z.strictObject({
  address: z.string().min(1).default('127.0.0.1:7233').describe('Temporal frontend host:port.'),
  namespace: z.string().min(1).default('default').describe('Temporal namespace.'),
  tls: bool.default(false).describe('Use TLS to reach Temporal (implied by an API key or client cert).'),
  tlsCertFile: z.string().optional().describe('Client certificate (PEM) for mTLS to Temporal.'),
  tlsKeyFile: z.string().optional().describe('Client private key (PEM) for mTLS to Temporal.'),
  tlsCaFile: z.string().optional().describe('CA bundle (PEM) to trust for the Temporal frontend.'),
  tlsServerName: z
    .string()
    .optional()
    .describe('Server name to expect on the Temporal frontend certificate.'),
  apiKey: z.string().optional().describe('Temporal Cloud API key (sent as a bearer token).'),
  payloadKeys: keyRingSpec.describe(
    'AES-256-GCM key ring encrypting every Temporal payload: "<id>:<base64 32 bytes>", newest first; keep old keys to read old histories.',
  ),
});

/** Shared with apps built without a config (tests): command results can be large, check-ins are not. */
export const EDGE_BODY_LIMITS = { default: 1024 * 1024, checkin: 256 * 1024 } as const;

export const edgeSettings = z.strictObject({
  listen: listen.prefault('127.0.0.1:8443').describe('Where the device-facing HTTPS API listens.'),
  publicUrl: z.url().default('https://127.0.0.1:8443').describe('Base URL devices use to reach the edge.'),
  tlsCertFile: z
    .string()
    .optional()
    .describe('TLS certificate (PEM) for the edge; absent = plain HTTP behind a TLS proxy.'),
  tlsKeyFile: z.string().optional().describe('TLS private key (PEM) for the edge.'),
  probeEnabled: bool
    .default(false)
    .describe('Expose POST /v1/probe, the end-to-end plane check (dev and tests).'),
  metricsEnabled: bool
    .default(false)
    .describe(
      'Serve GET /metrics (Prometheus) on the device port; keep the public proxy from forwarding it.',
    ),
  taskQueue: z.string().min(1).default('edge').describe('Temporal task queue of the edge worker.'),
  coreTaskQueue: z
    .string()
    .min(1)
    .default('core')
    .describe('Temporal task queue of the core worker, where device workflows run.'),
  secretKeys: keyRingSpec.describe(
    "AES-256-GCM key ring sealing the edge's own secrets at rest (the SCEP RA key, the APNs push key, queued command bodies) and deriving the edge's sealing key; never the core's keys.",
  ),
  apnsUrl: z
    .url()
    .default('https://api.push.apple.com')
    .describe('APNs provider API base URL (https://api.sandbox.push.apple.com for development devices).'),
  apnsCaFile: z
    .string()
    .optional()
    .describe('Extra CA (PEM) to trust for APNs: only for a local fake APNs in tests.'),
  appleDeviceCaFile: z
    .string()
    .optional()
    .describe(
      "Roots (PEM) a device's signed MachineInfo must chain to (Apple Root CA, from Apple's certificate authority page); set, an unsigned or foreign MachineInfo is refused with 400. Absent = the signature is checked, its chain is not.",
    ),
  wnsClientId: z
    .string()
    .min(1)
    .optional()
    .describe(
      'Windows push (WNS): the package SID Keep authenticates as; absent = no push, Windows PCs come back on their poll schedule.',
    ),
  wnsClientSecret: z.string().min(1).optional().describe('WNS: the client secret of wnsClientId.'),
  wnsPackageFamilyName: z
    .string()
    .min(1)
    .optional()
    .describe('WNS: the package family name PCs open their push channel for (DMClient Push/PFN).'),
  wnsTokenUrl: z
    .url()
    .default('https://login.live.com/accesstoken.srf')
    .describe('WNS: where the edge gets its access token (OAuth client credentials).'),
  wnsChannelHosts: z
    .string()
    .default('notify.windows.com')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean),
    )
    .describe(
      'WNS: comma-separated host names (and their subdomains) a PC-reported channel URI may point to; the edge pushes nowhere else.',
    ),
  wnsCaFile: z
    .string()
    .optional()
    .describe('Extra CA (PEM) to trust for WNS: only for a local fake WNS in tests.'),
  trustedProxies: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .describe(
      'Comma-separated addresses of TLS-terminating proxies allowed to pass a device certificate in Client-Cert (RFC 9440) and the client address in X-Forwarded-For (the ACME rate limit counts it).',
    ),
  commandRetentionHours: z.coerce
    .number()
    .int()
    .min(1)
    .default(168)
    .describe('How long finished commands and their results stay in the edge queue.'),
  scepSignTimeoutMs: z.coerce
    .number()
    .int()
    .min(100)
    .default(10_000)
    .describe('How long a SCEP request waits for the core to sign before the edge answers PENDING.'),
  scepAllowSingleDes: bool
    .default(false)
    .describe(
      'Accept SCEP requests encrypted with single DES (legacy clients such as micromdm scepclient); answers stay AES-256.',
    ),
  outboxRetentionHours: z.coerce
    .number()
    .int()
    .min(1)
    .default(24)
    .describe('How long relayed outbox events are kept.'),
  scepMaxConcurrentPerPeer: z.coerce
    .number()
    .int()
    .min(1)
    .default(8)
    .describe('SCEP PKIOperations one remote address may have in progress; more get 503 with Retry-After.'),
  scepMaxConcurrent: z.coerce
    .number()
    .int()
    .min(1)
    .default(64)
    .describe('SCEP PKIOperations in progress across all peers; more get 503 with Retry-After.'),
  scepBatchWaitMs: z.coerce
    .number()
    .int()
    .min(1)
    .max(1_000)
    .default(5)
    .describe('How long a SCEP signing request waits for others to join its batch to the core.'),
  scepBatchMaxSize: z.coerce
    .number()
    .int()
    .min(1)
    .max(500)
    .default(64)
    .describe('SCEP signing requests in one batch to the core; a full batch goes at once.'),
  headersTimeoutMs: z.coerce
    .number()
    .int()
    .min(100)
    .default(10_000)
    .describe('Time a client has to send the complete request headers before the connection is closed.'),
  requestTimeoutMs: z.coerce
    .number()
    .int()
    .min(100)
    .default(60_000)
    .describe('Time a client has to send a whole request, body included, before it gets 408 and is closed.'),
  keepAliveTimeoutMs: z.coerce
    .number()
    .int()
    .min(100)
    .default(5_000)
    .describe('How long an idle keep-alive connection waits for the next request.'),
  socketIdleTimeoutMs: z.coerce
    .number()
    .int()
    .min(100)
    .default(30_000)
    .describe('A connection that sends nothing for this long, mid-request or not, is closed.'),
  maxConnections: z.coerce
    .number()
    .int()
    .min(1)
    .default(10_000)
    .describe('Open connections the edge accepts at once; further ones are refused.'),
  maxBodyBytes: z.coerce
    .number()
    .int()
    .min(1024)
    .default(EDGE_BODY_LIMITS.default)
    .describe(
      'Largest request body, for command results (PUT /mdm/connect) and the default for other routes.',
    ),
  maxCheckinBodyBytes: z.coerce
    .number()
    .int()
    .min(1024)
    .default(EDGE_BODY_LIMITS.checkin)
    .describe('Largest check-in body (PUT /mdm/checkin); SCEP messages are capped at 64 KiB.'),
  acmeAttestationRootFile: z
    .string()
    .optional()
    .describe(
      "PEM of the root(s) a device-attest-01 attestation chain must end at; absent = Apple's Enterprise Attestation Root, pinned in Keep.",
    ),
  acmeOrderMinutes: z.coerce
    .number()
    .int()
    .min(1)
    .max(1440)
    .default(60)
    .describe(
      'How long an ACME order (and its device-attest-01 challenge and nonces) stays usable, in minutes.',
    ),
  windowsFederated: bool
    .default(false)
    .describe(
      "Windows discovery answers Federated: users sign in with the core's OIDC provider (core.signInIssuer) instead of typing a directory password.",
    ),
  appleAccountEnrollment: bool
    .default(false)
    .describe(
      'Account-driven enrolment of Apple devices: /.well-known/com.apple.remotemanagement and /mdm/account/*; users sign in with core.signInIssuer and own the device.',
    ),
});

export const coreSettings = z
  .strictObject({
    secretKeys: keyRingSpec.describe(
      'AES-256-GCM key ring sealing secrets at rest in the core (CA keys, escrowed keys).',
    ),
    taskQueue: z.string().min(1).default('core').describe('Temporal task queue of the core worker.'),
    metricsListen: listen
      .optional()
      .describe(
        "Where the Temporal SDK serves the core worker's Prometheus metrics (GET /metrics, host:port); absent = none.",
      ),
    workflowBundle: z
      .string()
      .default('dist/workflow-bundle.js')
      .describe('Workflow bundle built ahead of time by `npm run build:workflows`.'),
    organization: z
      .string()
      .min(1)
      .default('Keep')
      .describe('Organisation name in the CA certificates ("<organization> Keep Root CA").'),
    edgePublicUrl: z
      .url()
      .default('https://127.0.0.1:8443')
      .describe(
        'Base URL devices use to reach the edge; written into enrollment profiles and CRL distribution points.',
      ),
    edgeTaskQueues: z
      .string()
      .default('edge')
      .transform((v) =>
        v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      )
      .describe(
        'Comma-separated task queues of every edge this core serves: each is provisioned (CA chain, SCEP RA certificate, revoked list) and told every revocation.',
      ),
    deviceCertificateDays: z.coerce
      .number()
      .int()
      .min(1)
      .max(825)
      .default(365)
      .describe('Validity of device identity certificates, in days.'),
    caImportCertificatesFile: z
      .string()
      .optional()
      .describe(
        'First start only: import this CA certificate (PEM, with its chain) instead of creating a CA.',
      ),
    caImportKeyFile: z
      .string()
      .optional()
      .describe('First start only: the private key (PEM) of the imported CA.'),
    caImportKeyPassphrase: z.string().optional().describe('Passphrase of an encrypted caImportKeyFile.'),
    caImportPkcs12File: z
      .string()
      .optional()
      .describe('First start only: import the CA from this PKCS#12 (.p12) instead of PEM files.'),
    caImportPkcs12Password: z.string().optional().describe('Password of caImportPkcs12File.'),
    challengeMinutes: z.coerce
      .number()
      .int()
      .min(1)
      .max(10080)
      .default(60)
      .describe('How long a SCEP challenge stays usable, in minutes.'),
    crlValidityHours: z.coerce
      .number()
      .int()
      .min(2)
      .max(8760)
      .default(168)
      .describe('Validity of each published CRL (thisUpdate to nextUpdate), in hours.'),
    crlRefreshHours: z.coerce
      .number()
      .int()
      .min(1)
      .max(8759)
      .default(24)
      .describe(
        'How often the crl-refresh schedule publishes a fresh CRL (expired entries dropped) to every edge, in hours; below crlValidityHours.',
      ),
    acmeAttestationRootFile: z
      .string()
      .optional()
      .describe(
        "PEM of the root(s) the core checks a device-attest-01 attestation against again before it signs; absent = Apple's Enterprise Attestation Root.",
      ),
    appleAcmeIdentity: bool
      .default(false)
      .describe(
        'Apple devices that can attest (Apple silicon Macs on macOS 14+, A11-or-later iPhones/iPads on iOS 16 / iPadOS 16.1+, told from MachineInfo or the inventory) get an attested, hardware-bound ACME identity (com.apple.security.acme) instead of SCEP; the others fall back to SCEP. Devices of a team that requires attestation get ACME whatever this says.',
      ),
    identityRenewalDays: z.coerce
      .number()
      .int()
      .min(1)
      .max(825)
      .default(30)
      .describe(
        'Apple device identities expiring within this many days are renewed (InstallProfile of the enrollment profile with a renewal challenge), spread over the first half of the window per device.',
      ),
    identityRenewalHours: z.coerce
      .number()
      .int()
      .min(1)
      .max(8759)
      .default(6)
      .describe('How often the identity-renewal schedule looks for identities due for renewal, in hours.'),
    identityRenewalMaxPerRun: z.coerce
      .number()
      .int()
      .min(1)
      .max(10000)
      .default(200)
      .describe('At most this many devices are asked to renew their identity per identity-renewal run.'),
    identityRetryHours: z.coerce
      .number()
      .int()
      .min(1)
      .max(8759)
      .default(24)
      .describe(
        'A device asked to renew its identity and not renewed yet is asked again after this many hours.',
      ),
    raRenewalDays: z.coerce
      .number()
      .int()
      .min(1)
      .max(364)
      .default(30)
      .describe(
        'The daily ra-rotation schedule renews an edge SCEP RA certificate (365 days, same key) expiring within this many days.',
      ),
    signInIssuer: z
      .url()
      .optional()
      .describe(
        'OIDC issuer users sign in with to enrol a device (Windows federated enrolment, ADE with sign-in); absent = no sign-in-driven enrolment.',
      ),
    signInClientId: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Client id at signInIssuer; redirect URIs: <edge publicUrl> + /EnrollmentServer/SignIn/callback (Windows), /mdm/dep/sign-in/callback (ADE), /mdm/account/sign-in/callback (account-driven).',
      ),
    signInClientSecret: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Client secret at signInIssuer, held by the core only; absent = a public client (PKCE only).',
      ),
    signInScopes: z
      .string()
      .default('openid email profile')
      .describe('Scopes requested when a user signs in to enrol a device (space-separated).'),
    policyProofMinutes: z.coerce
      .number()
      .int()
      .min(1)
      .max(10080)
      .default(360)
      .describe(
        'How often the policy-verification schedule asks devices holding a policy for their ProfileList (and SecurityInfo where a policy needs it), oldest proof first, in minutes.',
      ),
    policyProofMaxPerRun: z.coerce
      .number()
      .int()
      .min(1)
      .max(100000)
      .default(1000)
      .describe('At most this many devices are asked to prove their policies per policy-verification run.'),
    appleProfileDelivery: z
      .enum(['declaration', 'command'])
      .default('command')
      .describe(
        'How a device served DDM gets policy profiles: declaration (a legacy declaration; the device fetches the profile from the edge) or command (InstallProfile). Devices without DDM: InstallProfile.',
      ),
    rolloutWebhookUrls: z
      .string()
      .default('')
      .transform((v) =>
        v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.url()))
      .describe(
        'Comma-separated URLs Keep POSTs a signed event to when a rollout pauses (with why), waits for approval, completes or is aborted; empty = none. Fixed here, never given by a caller.',
      ),
    rolloutWebhookSecret: z
      .string()
      .min(32)
      .optional()
      .describe(
        'HMAC-SHA256 key of the rollout webhook\'s Keep-Signature header (t=<unix time>,v1=<hex of HMAC over "<t>.<body>">).',
      ),
    pushExpiryWebhookUrls: z
      .string()
      .default('')
      .transform((v) =>
        v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.url()))
      .describe(
        'Comma-separated URLs Keep POSTs a signed event to when the APNs push certificate has 30, 14, 7 or 1 days left, or has expired (once per step); empty = none.',
      ),
    pushExpiryWebhookSecret: z
      .string()
      .min(32)
      .optional()
      .describe(
        "HMAC-SHA256 key of the push-certificate webhook's Keep-Signature header (as the rollout webhook's).",
      ),
  })
  .superRefine((core, ctx) => {
    // A refresh no sooner than nextUpdate would leave relying parties with a stale CRL in between.
    if (core.crlRefreshHours >= core.crlValidityHours)
      ctx.addIssue({
        code: 'custom',
        path: ['crlRefreshHours'],
        message: `must be below crlValidityHours (${core.crlValidityHours})`,
      });
    // An unsigned webhook could be forged by anyone who can reach the receiver.
    if (core.rolloutWebhookUrls.length > 0 && !core.rolloutWebhookSecret)
      ctx.addIssue({
        code: 'custom',
        path: ['rolloutWebhookSecret'],
        message: 'required with rolloutWebhookUrls',
      });
    if (core.pushExpiryWebhookUrls.length > 0 && !core.pushExpiryWebhookSecret)
      ctx.addIssue({
        code: 'custom',
        path: ['pushExpiryWebhookSecret'],
        message: 'required with pushExpiryWebhookUrls',
      });
  });

/** The directory the core reads (LDAP / Active Directory); no `url` = no directory sync. */
export const directorySettings = z
  .strictObject({
    url: z
      .string()
      .regex(/^ldaps?:\/\/[^/?#]+\/?$/, 'expected ldaps://host[:port] or ldap://host[:port]')
      .optional()
      .describe(
        'Directory server URL: ldaps:// (TLS from the start) or ldap:// (upgraded with StartTLS); absent = no directory sync.',
      ),
    kind: z
      .enum(['ad', 'openldap'])
      .default('openldap')
      .describe(
        'Active Directory (objectGUID, userAccountControl, uSNChanged) or OpenLDAP (entryUUID, modifyTimestamp).',
      ),
    bindDn: z
      .string()
      .optional()
      .describe('DN (or AD user principal name) the core binds as; read-only access suffices.'),
    bindPassword: z.string().optional().describe('Password of bindDn; prefer bindPasswordFile.'),
    bindPasswordFile: z
      .string()
      .optional()
      .describe('File holding the password of bindDn (trailing newline ignored).'),
    baseDn: z
      .string()
      .optional()
      .describe('Search base for users and groups unless userBaseDn / groupBaseDn say otherwise.'),
    userBaseDn: z.string().optional().describe('Search base for users (default baseDn).'),
    userFilter: z
      .string()
      .optional()
      .describe(
        'Which entries are users (default (objectClass=inetOrgPerson), or (&(objectCategory=person)(objectClass=user)) on AD).',
      ),
    groupBaseDn: z.string().optional().describe('Search base for groups (default baseDn).'),
    groupFilter: z
      .string()
      .optional()
      .describe(
        'Which entries are groups (default groupOfNames or groupOfUniqueNames, or (objectClass=group) on AD).',
      ),
    caFile: z.string().optional().describe('CA bundle (PEM) to trust for the directory server certificate.'),
    startTls: bool
      .default(true)
      .describe('Upgrade ldap:// connections with StartTLS (ldaps:// is TLS anyway).'),
    allowPlain: bool
      .default(false)
      .describe(
        'Allow ldap:// without StartTLS: the bind password crosses the network in clear. Tests only.',
      ),
    syncIntervalMinutes: z.coerce
      .number()
      .int()
      .min(1)
      .max(1440)
      .default(15)
      .describe('How often the directory-sync schedule runs.'),
    fullSyncEvery: z.coerce
      .number()
      .int()
      .min(1)
      .default(24)
      .describe('Every Nth run reads the whole directory (detects deletions); the others read changes only.'),
    pageSize: z.coerce
      .number()
      .int()
      .min(1)
      .max(5000)
      .default(500)
      .describe('Entries per page of a paged search.'),
    maxNestingDepth: z.coerce
      .number()
      .int()
      .min(0)
      .max(100)
      .default(10)
      .describe('How many levels of nested groups are expanded where the server cannot (non-AD servers).'),
    bitlockerImport: bool
      .default(false)
      .describe(
        'Vault the BitLocker recovery passwords Windows backs up to AD (msFVE-RecoveryInformation), as often as the directory sync; bindDn must be able to read msFVE-RecoveryPassword.',
      ),
    bitlockerMatch: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9-]*$/, 'an LDAP attribute name')
      .default('cn')
      .describe(
        "The computer object's attribute matched (ignoring case) to a Windows PC's reported DeviceName, to find whose recovery passwords they are.",
      ),
  })
  .superRefine((value, ctx) => {
    if (!value.url) return;
    for (const key of ['bindDn', 'baseDn'] as const) {
      if (!value[key])
        ctx.addIssue({ code: 'custom', path: [key], message: 'required when directory.url is set' });
    }
    if (!value.bindPassword && !value.bindPasswordFile) {
      ctx.addIssue({
        code: 'custom',
        path: ['bindPassword'],
        message: 'bindPassword or bindPasswordFile is required',
      });
    }
    if (value.url.startsWith('ldap://') && !value.startTls && !value.allowPlain) {
      ctx.addIssue({
        code: 'custom',
        path: ['startTls'],
        message: 'plain ldap:// without StartTLS is refused unless allowPlain is true',
      });
    }
  });

export type DirectorySettings = z.infer<typeof directorySettings>;

/** Apple Business Manager (zero-touch enrollment): where to reach it and how enrolled devices are placed. */
export const depSettings = z
  .strictObject({
    url: z
      .url()
      .default('https://mdmenrollment.apple.com')
      .describe("Apple's Device Assignment API; tests point it at a local fake."),
    syncIntervalMinutes: z.coerce
      .number()
      .int()
      .min(1)
      .max(1440)
      .default(30)
      .describe('How often the dep-sync schedule reads the devices ABM assigned to Keep.'),
    teamRules: z
      .string()
      .regex(/^([^,=]+=[^,=]+)?(,[^,=]+=[^,=]+)*$/, 'expected <directory group>=<team>[,<group>=<team>…]')
      .default('')
      .describe(
        'Directory groups to teams for zero-touch devices, e.g. "engineering=Engineering,staff=All staff"; a device joins the team of every group its owner is in (nested groups count).',
      ),
    configuredTimeoutMinutes: z.coerce
      .number()
      .int()
      .min(1)
      .max(1440)
      .default(30)
      .describe(
        'A device awaiting configuration gets DeviceConfigured after this long even if its baseline is not acknowledged (the reason is recorded).',
      ),
    signInRequired: bool
      .default(false)
      .describe(
        "Keep's ADE profile sends Setup Assistant to <edge publicUrl>/mdm/dep/sign-in first (configuration_web_url); who signs in owns the device. Set before Keep defines its profile.",
      ),
    onboardingWebhookUrl: z
      .url()
      .optional()
      .describe(
        'Where Keep POSTs "device.configured" for devices an onboarding system pre-staged; absent = no webhook. Fixed here, never given by a caller, so a caller cannot aim the core at an internal address.',
      ),
    onboardingWebhookSecret: z
      .string()
      .min(32)
      .optional()
      .describe(
        'HMAC-SHA256 key of the webhook\'s Keep-Signature header (t=<unix time>,v1=<hex of HMAC over "<t>.<body>">).',
      ),
  })
  .superRefine((dep, ctx) => {
    // An unsigned webhook could be forged by anyone who can reach the receiver.
    if (dep.onboardingWebhookUrl && !dep.onboardingWebhookSecret)
      ctx.addIssue({
        code: 'custom',
        path: ['onboardingWebhookSecret'],
        message: 'required with onboardingWebhookUrl',
      });
  });

export type DepSettings = z.infer<typeof depSettings>;

/** The vault of escrowed device secrets: where its key-encryption key lives and how long old versions stay. */
export const vaultSettings = z
  .strictObject({
    kms: z
      .enum(['key-ring', 'pkcs11'])
      .default('key-ring')
      .describe(
        "Where the key-encryption key wrapping each secret's data key lives: derived from core.secretKeys, or an AES key in a PKCS#11 token (HSM).",
      ),
    pkcs11Library: z.string().min(1).optional().describe('Path of the PKCS#11 module (kms pkcs11).'),
    pkcs11TokenLabel: z.string().min(1).optional().describe('Label of the PKCS#11 token holding the KEK.'),
    pkcs11Pin: z.string().min(1).optional().describe('User PIN of the PKCS#11 token.'),
    pkcs11KeyLabel: z
      .string()
      .min(1)
      .optional()
      .describe('CKA_LABEL of the AES-256 key-encryption key in the token (it never leaves the token).'),
    supersededRetentionDays: z.coerce
      .number()
      .int()
      .min(0)
      .max(3650)
      .default(90)
      .describe(
        'How long a superseded secret version is kept (e.g. the FileVault key before a rotation), in days.',
      ),
    integrityCheckHours: z.coerce
      .number()
      .int()
      .min(1)
      .max(8760)
      .default(24)
      .describe(
        'How often the vault-integrity schedule opens every stored secret and records those that no longer decrypt, in hours.',
      ),
    recoveryLock: bool
      .default(false)
      .describe(
        'Keep sets a random Recovery Lock password on every enrolled Apple silicon Mac, escrowed in the vault (SetRecoveryLock).',
      ),
    rotationDays: z.coerce
      .number()
      .int()
      .min(1)
      .max(3650)
      .default(90)
      .describe('A Recovery Lock password older than this is rotated by the hourly rotation sweep, in days.'),
    rotationRetrySeconds: z.coerce
      .number()
      .int()
      .min(1)
      .max(86_400)
      .default(3600)
      .describe(
        'After a device refuses a rotation, it is tried again after this long, doubling each time up to a day, in seconds.',
      ),
    localAdmin: bool
      .default(false)
      .describe(
        'Zero-touch (ADE) Macs get a hidden managed admin account in Setup Assistant (AccountConfiguration) with a random password escrowed in the vault.',
      ),
    localAdminShortName: z
      .string()
      .regex(/^[a-z_][a-z0-9_-]{0,30}$/, 'expected a macOS short name (lowercase letters, digits, _ and -)')
      .default('keepadmin')
      .describe('Short name of the managed admin account Keep creates on zero-touch Macs.'),
    localAdminRotationDays: z.coerce
      .number()
      .int()
      .min(1)
      .max(3650)
      .default(30)
      .describe(
        "A managed admin's password older than this is rotated by the hourly rotation sweep (SetAutoAdminPassword), in days.",
      ),
    fileVaultRotationDays: z.coerce
      .number()
      .int()
      .min(0)
      .max(3650)
      .default(0)
      .describe(
        "A Mac's escrowed FileVault personal recovery key older than this is rotated by the hourly rotation sweep (RotateFileVaultKey), in days; 0: only after a reveal.",
      ),
  })
  .superRefine((vault, ctx) => {
    if (vault.kms !== 'pkcs11') return;
    for (const key of ['pkcs11Library', 'pkcs11TokenLabel', 'pkcs11Pin', 'pkcs11KeyLabel'] as const)
      if (!vault[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'required with kms pkcs11' });
  });

export type VaultSettings = z.infer<typeof vaultSettings>;

/** 127.0.0.0/8, ::1 and localhost: the only places the admin API may serve plain HTTP. */
function isLoopback(host: string): boolean {
  return /^127(\.\d{1,3}){3}$/.test(host) || host === '::1' || host === 'localhost';
}

export const adminSettings = z
  .strictObject({
    listen: listen
      .prefault('127.0.0.1:8080')
      .describe('Where the admin API listens; beyond loopback only with tlsCertFile and tlsKeyFile.'),
    tlsCertFile: z
      .string()
      .optional()
      .describe(
        'TLS certificate (PEM, with its chain) the admin API serves HTTPS with; absent = plain HTTP, loopback only.',
      ),
    tlsKeyFile: z.string().optional().describe('TLS private key (PEM) of tlsCertFile.'),
    bootstrapTokenHash: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, 'expected the hex SHA-256 of the bootstrap token (64 hex digits)')
      .optional()
      .describe(
        'Hex SHA-256 of a bootstrap admin bearer token (the token itself is never configured); absent = API tokens only.',
      ),
    coreTaskQueue: z
      .string()
      .min(1)
      .default('core')
      .describe('Temporal task queue of the core worker, where the admin starts workflows.'),
    edgeTaskQueue: z
      .string()
      .min(1)
      .default('edge')
      .describe(
        'Temporal task queue of the edge worker, handed to workflows that install things at the edge.',
      ),
    publicUrl: z
      .url()
      .default('http://127.0.0.1:8080')
      .describe(
        'Base URL browsers use to reach the admin API: the OIDC redirect URI and the allowed Origin; https makes the session cookie Secure.',
      ),
    bootstrapTokenEnabled: bool
      .default(true)
      .describe(
        'Accept the bootstrap token (until POST /v1/bootstrap-token/disable switches it off for good).',
      ),
    tokenMaxDays: z.coerce
      .number()
      .int()
      .min(1)
      .max(3650)
      .default(90)
      .describe('Longest lifetime an API token may be given (expiresInDays), in days.'),
    oidcIssuer: z.url().optional().describe('OIDC issuer URL for admin sign-in; absent = no OIDC sign-in.'),
    oidcClientId: z.string().min(1).optional().describe('Client id registered at the OIDC provider.'),
    oidcClientSecret: z
      .string()
      .min(1)
      .optional()
      .describe('Client secret at the OIDC provider; absent = a public client (PKCE only).'),
    oidcScopes: z
      .string()
      .default('openid email profile')
      .describe('Scopes requested at sign-in (space-separated; add the one that releases the role claim).'),
    oidcRoleClaim: z
      .string()
      .min(1)
      .default('groups')
      .describe('ID token claim (a string or an array of strings) mapped to roles by oidcRoleMapping.'),
    oidcRoleMapping: z
      .string()
      .regex(/^([^,]+=[a-z]+)?(,[^,]+=[a-z]+)*$/, 'expected <claim value>=<role>[,<claim value>=<role>…]')
      .default('')
      .describe(
        'Claim values to roles, e.g. "keep-admins=admin,helpdesk=helpdesk"; unmapped values grant nothing.',
      ),
    sessionMaxHours: z.coerce
      .number()
      .int()
      .min(1)
      .max(720)
      .default(12)
      .describe('Absolute lifetime of a console session after sign-in, in hours.'),
    sessionIdleMinutes: z.coerce
      .number()
      .int()
      .min(1)
      .max(1440)
      .default(60)
      .describe('A console session unused this long (minutes) ends.'),
    secretRevealApproval: bool
      .default(false)
      .describe(
        'Revealing an escrowed secret (FileVault key, bootstrap token) needs a second admin to approve; the requester never can.',
      ),
    secretRevealMinutes: z.coerce
      .number()
      .int()
      .min(1)
      .max(1440)
      .default(15)
      .describe(
        'How long a reveal request may wait for approval, then (approved) for the reveal, in minutes.',
      ),
  })
  .superRefine((admin, ctx) => {
    // Bearer tokens and secrets cross this connection: in clear, only on the machine itself.
    const missing = (['tlsCertFile', 'tlsKeyFile'] as const).filter((key) => !admin[key]);
    if (missing.length === 0 || (missing.length === 2 && isLoopback(admin.listen.host))) return;
    for (const key of missing) {
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message:
          missing.length === 1
            ? 'required with the other of tlsCertFile and tlsKeyFile'
            : `required to listen on ${admin.listen.host} (not loopback): the admin API serves plain HTTP only on loopback`,
      });
    }
  });

export const logSettings = z.strictObject({
  level: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('Log level.'),
});

export const shutdownSettings = z.strictObject({
  graceMs: z.coerce
    .number()
    .int()
    .min(0)
    .max(600_000)
    .default(10_000)
    .describe(
      'On SIGTERM, how long requests and worker tasks in flight get to finish (ms) before they are cut off.',
    ),
});

/** What each process reads: the edge's schema has no core section, so it cannot even name a core secret. */
export const edgeProcessConfig = z.strictObject({
  edgeDatabase: edgeDatabaseSettings,
  temporal: temporalSettings,
  edge: edgeSettings,
  log: logSettings.prefault({}),
  shutdown: shutdownSettings.prefault({}),
});

export const coreProcessConfig = z.strictObject({
  database: databaseSettings,
  temporal: temporalSettings,
  core: coreSettings,
  directory: directorySettings.prefault({}),
  dep: depSettings.prefault({}),
  log: logSettings.prefault({}),
  shutdown: shutdownSettings.prefault({}),
  vault: vaultSettings.prefault({}),
});

export const adminProcessConfig = z.strictObject({
  database: databaseSettings,
  temporal: temporalSettings,
  admin: adminSettings.prefault({}),
  log: logSettings.prefault({}),
  shutdown: shutdownSettings.prefault({}),
});

export type EdgeProcessConfig = z.infer<typeof edgeProcessConfig>;
export type CoreProcessConfig = z.infer<typeof coreProcessConfig>;
export type AdminProcessConfig = z.infer<typeof adminProcessConfig>;
export type TemporalSettings = z.infer<typeof temporalSettings>;
