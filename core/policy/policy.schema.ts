// The platform-neutral policy document: what an admin wants of a device, never how a platform spells it.
import { z } from 'zod';
import { pemBlocks } from '../pki/pem.js';

/** The platforms a policy can name; each platform's translator reads only what applies to it. */
export const POLICY_PLATFORMS = ['macOS', 'iOS', 'iPadOS', 'windows', 'android', 'linux'] as const;
export type PolicyPlatform = (typeof POLICY_PLATFORMS)[number];

const osVersion = z.string().regex(/^\d+(\.\d+){0,2}$/, 'must be a version such as 17.5 or 14.6.1');
const httpsUrl = z.url({ protocol: /^https$/, error: 'must be an https URL' });

/** Wall-clock time on the device (no offset), as OS update deadlines are enforced in the device's zone. */
const localDateTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/, {
    error: 'must be a local date-time such as 2026-12-01T18:00:00',
    abort: true,
  })
  .refine((s) => !Number.isNaN(Date.parse(`${s}Z`)), 'is not a real date');

const diskEncryption = z.strictObject({
  required: z.boolean().describe('Encrypt the system disk (FileVault, BitLocker, LUKS).'),
  escrowRecoveryKey: z
    .boolean()
    .optional()
    .describe('Escrow the recovery key to Keep (default true when encryption is required).'),
});

const screenLock = z.strictObject({
  idleTimeoutMinutes: z.int().min(1).max(1440).describe('Lock the screen after this many idle minutes.'),
  gracePeriodMinutes: z
    .int()
    .min(0)
    .max(1440)
    .optional()
    .describe('Minutes after locking during which no passcode is asked; 0 asks at once.'),
});

const passcode = z.strictObject({
  required: z.boolean().optional(),
  minLength: z.int().min(1).max(64).optional(),
  requireAlphanumeric: z.boolean().optional(),
  minComplexCharacters: z.int().min(0).max(16).optional(),
  maxFailedAttempts: z.int().min(2).max(100).optional(),
  maxAgeDays: z.int().min(1).max(730).optional(),
  historyCount: z.int().min(1).max(50).optional().describe('How many previous passcodes may not be reused.'),
});

const firewall = z.strictObject({
  enabled: z.boolean(),
  blockAllIncoming: z.boolean().optional(),
  stealthMode: z.boolean().optional(),
});

const osUpdate = z.strictObject({
  platform: z.enum(POLICY_PLATFORMS),
  minimumVersion: osVersion.describe('Devices below this version are out of compliance after the deadline.'),
  buildVersion: z
    .string()
    .regex(/^[0-9A-Za-z]+$/)
    .optional(),
  deadline: localDateTime.describe("When the update is forced, in the device's local time."),
  detailsUrl: httpsUrl.optional(),
});

/** `true` allows, `false` blocks; an absent key leaves the device's default. */
const restrictions = z.strictObject({
  allowCamera: z.boolean().optional(),
  allowUsbStorage: z.boolean().optional(),
  allowAppStore: z.boolean().optional(),
  allowScreenshots: z.boolean().optional(),
});

const wifiCommon = {
  ssid: z.string().min(1).max(32),
  autoJoin: z.boolean().optional(),
  hidden: z.boolean().optional(),
};
const wifi = z.discriminatedUnion('security', [
  z.strictObject({
    ...wifiCommon,
    security: z.enum(['wpa2-personal', 'wpa3-personal']),
    password: z.string().min(8).max(63),
  }),
  z.strictObject({
    ...wifiCommon,
    security: z.enum(['wpa2-enterprise', 'wpa3-enterprise']),
    /** EAP-TLS with a device identity issued by Keep's CA over SCEP; the only enterprise identity for now. */
    identity: z.literal('keep-ca'),
    trustedServerNames: z.array(z.string().min(1)).min(1),
  }),
]);

const certificate = z.strictObject({
  name: z.string().min(1),
  pem: z
    .string()
    .refine((pem) => pemBlocks(pem, 'CERTIFICATE').length === 1, 'must hold exactly one PEM CERTIFICATE'),
});

const app = z
  .strictObject({
    bundleId: z.string().regex(/^[A-Za-z0-9.-]+$/, 'must be a bundle or package identifier'),
    action: z.enum(['install', 'remove']),
    appStoreId: z.string().regex(/^\d+$/, 'must be the numeric App Store (adam) id').optional(),
    package: z
      .strictObject({
        url: httpsUrl,
        sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits'),
        size: z.int().positive(),
        version: z.string().optional(),
      })
      .optional(),
    msi: z
      .strictObject({
        productId: z
          .string()
          .regex(
            /^\{[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}$/,
            'must be the MSI product code, a GUID in braces',
          ),
        url: httpsUrl,
        sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits'),
        version: z
          .string()
          .regex(/^[0-9.]+$/, 'must be the product version, digits and dots')
          .optional(),
      })
      .optional()
      .describe('A Windows Installer package by URL and SHA-256, installed by its product code.'),
  })
  .superRefine((a, ctx) => {
    const sources = [a.appStoreId, a.package, a.msi].filter((s) => s !== undefined).length;
    if (a.action === 'install' && sources !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['action'],
        message: 'install needs exactly one of appStoreId, package or msi',
      });
    }
    if (a.action === 'remove' && sources !== 0) {
      ctx.addIssue({ code: 'custom', path: ['action'], message: 'remove takes only the bundleId' });
    }
  });

/** Platform payloads Keep has no setting for yet, passed through after validation against the platform's schema. */
const raw = z.strictObject({
  apple: z
    .strictObject({
      profilePayloads: z
        .array(z.looseObject({ PayloadType: z.string().min(1) }).catchall(z.json()))
        .optional()
        .describe('.mobileconfig payload dictionaries.'),
      declarations: z
        .array(
          z.strictObject({
            type: z.string().startsWith('com.apple.'),
            payload: z.record(z.string(), z.json()),
          }),
        )
        .optional()
        .describe('Declarative Device Management declarations.'),
    })
    .optional(),
  windows: z
    .strictObject({
      nodes: z
        .array(
          z.strictObject({
            target: z
              .string()
              .max(1024)
              .regex(
                /^\.\/(Device\/)?Vendor(\/[^/\s<>&]+)+$/,
                'must be a writable OMA-DM node such as ./Device/Vendor/MSFT/…',
              ),
            format: z.enum(['int', 'bool', 'chr', 'b64', 'xml']),
            data: z.string().max(64 * 1024),
          }),
        )
        .min(1)
        .refine(
          (list) => new Set(list.map((n) => n.target)).size === list.length,
          'names a node more than once',
        )
        .describe('OMA-DM nodes (CSP settings) Keep sets with Replace and proves with Get.'),
    })
    .optional(),
});

const settings = z.strictObject({
  diskEncryption: diskEncryption.optional(),
  screenLock: screenLock.optional(),
  passcode: passcode.optional(),
  firewall: firewall.optional(),
  osUpdates: z
    .array(osUpdate)
    .optional()
    .refine(
      (list) => !list || new Set(list.map((u) => u.platform)).size === list.length,
      'names a platform more than once',
    ),
  restrictions: restrictions.optional(),
  wifi: z
    .array(wifi)
    .optional()
    .refine(
      (list) => !list || new Set(list.map((w) => w.ssid)).size === list.length,
      'names an SSID more than once',
    ),
  certificates: z.array(certificate).optional(),
  apps: z
    .array(app)
    .optional()
    .refine(
      (list) => !list || new Set(list.map((a) => a.bundleId)).size === list.length,
      'names a bundleId more than once',
    ),
  raw: raw.optional(),
});

export const policySchema = z.strictObject({
  schemaVersion: z.literal(1).describe('The version of this document format.'),
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lowercase letters, digits and dashes (at most 63)'),
  /** Assigned by the server when a policy is stored; a document may carry it back. */
  version: z.int().positive().optional(),
  description: z.string().max(1000).optional(),
  settings,
});

export type Policy = z.infer<typeof policySchema>;
export type PolicySettings = Policy['settings'];
export type PolicySettingName = keyof PolicySettings;
export type WifiNetwork = NonNullable<PolicySettings['wifi']>[number];
export type ManagedApp = NonNullable<PolicySettings['apps']>[number];
export type OsUpdate = NonNullable<PolicySettings['osUpdates']>[number];
