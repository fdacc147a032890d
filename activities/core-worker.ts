// The on-premises core worker: runs every workflow and the core's activities on task queue "core".
import { NativeConnection, Worker } from '@temporalio/worker';
import type { CoreProcessConfig, DepSettings, DirectorySettings } from '../core/config/config.schema.js';
import type { VaultSettings } from '../core/config/config.schema.js';
import { vaultSettings } from '../core/config/config.schema.js';
import { depSettings } from '../core/config/config.schema.js';
import {
  temporalClientConnectionOptions,
  temporalClientOptions,
  temporalConnectionOptions,
} from '../core/temporal/connection-options.js';
import { openCoreDatabase } from '../runtime/db/connect.js';
import { runWorker, type RunningWorker } from '../runtime/run-worker.js';
import { createCorePlaneCheckActivities } from './plane-check.activities.js';
import { createDeviceActivities } from './device/device.activities.js';
import { createBulkCommandActivities } from './device/bulk-command.activities.js';
import { createDeviceEventIngestActivities } from './device/device-event-ingest.activities.js';
import type { CorePlatform } from './platform.js';
import { corePlatforms } from './platforms.js';
import { mergeActivities, type ActivityFunctions } from '../runtime/activity-functions.js';
import { createPkiActivities, type PkiSettings } from './pki/pki.activities.js';
import { createScepBatchActivities } from './pki/scep-batch.activities.js';
import { createCaLoader, crlUrlFor, type CaImportSettings } from './pki/ca-loader.js';
import { createCaRolloverActivities } from './pki/ca-rollover.activities.js';
import { createRootTrustActivities } from './pki/root-trust.activities.js';
import { createEnrollmentProfileActivities } from './pki/enrollment-profile.activities.js';
import { createAttestationRequirement } from './pki/attestation-requirement.js';
import {
  createIdentityRenewalActivities,
  type IdentityRenewalSettings,
} from './pki/identity-renewal.activities.js';
import { ensureIdentityRenewalSchedule } from './pki/identity-renewal.schedule.js';
import { ensurePushCertificateExpirySchedule } from './apple/push-certificate-expiry.schedule.js';
import { ensureRaRotationSchedule } from './pki/ra-rotation.schedule.js';
import { createDirectoryActivities } from './directory/directory-sync.activities.js';
import { createCoreSealingActivities } from './core-sealing.activities.js';
import { coreCallerCheck } from './core-caller-check.js';
import { createRevocationStartActivities } from './pki/revocation-start.activities.js';
import { createAdminCommandProofActivities } from './device/admin-command-proof.activities.js';
import { createSealedScepChallengeActivities } from './pki/sealed-scep-challenge.activities.js';
import { ensureDirectorySyncSchedule } from './directory/directory-sync.schedule.js';
import { ensureBitLockerRecoveryImportSchedule } from './windows/bitlocker-recovery-import.schedule.js';
import { ensureWindowsPolicyVerificationSchedule } from './policy/windows-policy-verification.schedule.js';
import { createWindowsPolicyVerificationActivities } from './policy/windows-policy-verification.activities.js';
import { ensureCrlRefreshSchedule } from './pki/crl-refresh.schedule.js';
import { findLatestCrl } from './pki/crl-state.repository.js';
import type { crlRefreshWorkflow } from '../workflows/crl-refresh.workflow.js';
import { Client, Connection } from '@temporalio/client';
import type { edgeProvisioningWorkflow } from '../workflows/edge-provisioning.workflow.js';
import { KeyRing } from '../core/crypto/key-ring.js';
import { installTemporalRuntime } from '../runtime/temporal-runtime.js';
import { createLogger } from '../core/log/logger.js';
import type { Kysely } from 'kysely';
import type { CoreDatabase } from '../core/db/core-database.js';
import { workflowIds } from '../core/temporal/task-queues.js';
import { createDepTokenActivities } from './apple/dep/dep-token.activities.js';
import { createDepSyncActivities } from './apple/dep/dep-sync.activities.js';
import { createZeroTouchActivities } from './apple/dep/zero-touch.activities.js';
import { parseTeamRules } from '../core/apple/dep/index.js';
import { createAppleSignInActivities } from './apple/apple-sign-in.activities.js';
import { createOnboardingWebhookActivities } from './apple/dep/onboarding-webhook.activities.js';
import { ensureDepSyncSchedule } from './apple/dep/dep-sync.schedule.js';
import { createDevicePolicyActivities } from './policy/device-policy.activities.js';
import { createPolicyFanOutActivities } from './policy/policy-fanout.activities.js';
import { createRolloutActivities } from './rollout/rollout.activities.js';
import { kmsFromSettings } from './vault/kms-from-settings.js';
import { createVaultIntegrityActivities } from './vault/vault-integrity.activities.js';
import { createSecretRevealActivities } from './vault/secret-reveal.activities.js';
import { ensureVaultIntegritySchedule } from './vault/vault-integrity.schedule.js';
import { createSecretRotationActivities } from './vault/secret-rotation.activities.js';
import { createLocalAdminActivities } from './apple/local-admin.activities.js';
import { ensureSecretRotationSchedule } from './vault/secret-rotation.schedule.js';
import type { SignInSettings } from './windows/windows-sign-in.activities.js';
import { createPolicyVerificationActivities } from './policy/policy-verification.activities.js';
import { ensurePolicyVerificationSchedule } from './policy/policy-verification.schedule.js';
import { createPushCertificateWebhookActivities } from './apple/push-certificate-webhook.activities.js';
import type { WebhookReceivers } from './webhook/signed-webhook.js';
import {
  createRolloutWebhookActivities,
  type RolloutWebhookSettings,
} from './rollout/rollout-webhook.activities.js';

export interface CoreActivityDeps {
  db: Kysely<CoreDatabase>;
  keyRing: KeyRing;
  pki: PkiSettings & CaImportSettings;
  directory?: DirectorySettings | undefined;
  /** Apple Business Manager settings (default: the schema's defaults). */
  dep?: DepSettings | undefined;
  /** Every platform this core serves (default: the registry, activities/platforms.ts). */
  platforms?: readonly CorePlatform[];
  /** The vault's settings (default: the schema's defaults, the key-ring KMS). */
  vault?: VaultSettings | undefined;
  /** Device identity renewal: the window, the bound per run, the retry interval. */
  identityRenewal: IdentityRenewalSettings;
  /** The OIDC provider users sign in with to enrol a device (core.signIn*). */
  signIn?: SignInSettings | undefined;
  /** At most this many devices asked to prove their policies per scheduled run. */
  policyProofMaxPerRun: number;
  /** How DDM devices receive policy profiles (core.appleProfileDelivery; default: by InstallProfile). */
  appleProfileDelivery?: 'declaration' | 'command';
  /** Where rollout notifications go, and the key that signs them. */
  rolloutWebhook: RolloutWebhookSettings;
  /** Where push-certificate expiry warnings go, and the key that signs them. */
  pushCertificateWebhook?: WebhookReceivers | undefined;
}

/** The identity-renewal settings of the core's config. */
export function identityRenewalSettings(core: {
  identityRenewalDays: number;
  identityRenewalMaxPerRun: number;
  identityRetryHours: number;
}): IdentityRenewalSettings {
  return {
    windowDays: core.identityRenewalDays,
    maxPerRun: core.identityRenewalMaxPerRun,
    retryHours: core.identityRetryHours,
  };
}

export function createCoreActivities(deps: CoreActivityDeps): ActivityFunctions {
  const ca = createCaLoader(deps.db, deps.keyRing, {
    ...deps.pki,
    crlUrl: crlUrlFor(deps.pki.edgePublicUrl),
  });
  const dep = deps.dep ?? depSettings.parse({});
  const attestationRequired = createAttestationRequirement({ db: deps.db, teamRules: dep.teamRules });
  const pki = createPkiActivities({ ...deps, ca, attestationRequired });
  const platforms = deps.platforms ?? corePlatforms();
  const directory = createDirectoryActivities(deps);
  const vault = deps.vault ?? vaultSettings.parse({});
  const kms = kmsFromSettings(vault, deps.keyRing);
  return mergeActivities([
    createCorePlaneCheckActivities(deps),
    createDeviceActivities({ db: deps.db, platforms }),
    createBulkCommandActivities({ db: deps.db }),
    createDeviceEventIngestActivities({
      db: deps.db,
      platforms,
      keyRing: deps.keyRing,
      teamRules: parseTeamRules(dep.teamRules),
    }),
    pki,
    createScepBatchActivities({ db: deps.db, pki, keyRing: deps.keyRing }),
    createEnrollmentProfileActivities({
      db: deps.db,
      pki: deps.pki,
      pkiActivities: pki,
      ca,
      attestationRequired,
    }),
    createIdentityRenewalActivities({
      db: deps.db,
      pki: deps.pki,
      pkiActivities: pki,
      ca,
      attestationRequired,
      renewal: deps.identityRenewal,
    }),
    directory,
    createDepTokenActivities(deps),
    createDepSyncActivities({ ...deps, dep }),
    createZeroTouchActivities({ db: deps.db, dep, directory: deps.directory?.url ? directory : undefined }),
    createOnboardingWebhookActivities({ db: deps.db, dep }),
    createAppleSignInActivities({ ...deps, directory: deps.directory?.url ? directory : undefined }),
    createCoreSealingActivities(deps),
    createSealedScepChallengeActivities({ pki }),
    createAdminCommandProofActivities(deps),
    createRevocationStartActivities(deps),
    createPolicyFanOutActivities(deps),
    createDevicePolicyActivities({
      db: deps.db,
      pki: deps.pki,
      ca,
      profileDelivery: deps.appleProfileDelivery ?? 'command',
    }),
    createRolloutActivities(deps),
    createCaRolloverActivities({ ...deps, crlUrl: crlUrlFor(deps.pki.edgePublicUrl) }),
    createRootTrustActivities({ db: deps.db, ca, pki: deps.pki }),
    createVaultIntegrityActivities({
      db: deps.db,
      keyRing: deps.keyRing,
      kms,
      supersededRetentionDays: vault.supersededRetentionDays,
    }),
    createSecretRevealActivities({ db: deps.db, kms }),
    createSecretRotationActivities({ db: deps.db, kms, ca, settings: vault }),
    createLocalAdminActivities({ db: deps.db, kms, settings: vault }),
    createPolicyVerificationActivities({ db: deps.db, maxPerRun: deps.policyProofMaxPerRun }),
    createWindowsPolicyVerificationActivities({ db: deps.db, maxPerRun: deps.policyProofMaxPerRun }),
    createRolloutWebhookActivities({ db: deps.db, webhook: deps.rolloutWebhook }),
    createPushCertificateWebhookActivities({ webhook: deps.pushCertificateWebhook ?? { urls: [] } }),
    ...platforms.map((platform) => platform.activities({ ...deps, ca, kms })),
  ]);
}

/**
 * Asks each edge to install the CA chain and get its RA certified (one workflow per edge, never twice at
 * once), publishes the first CRL if there is none yet (so `/pki/crl` answers before any revocation), and
 * keeps the crl-refresh schedule, and the directory-sync one when a directory is configured, in line with
 * the settings.
 */
async function startCoreProcesses(config: CoreProcessConfig, db: Kysely<CoreDatabase>): Promise<void> {
  const connection = await Connection.connect(temporalClientConnectionOptions(config.temporal));
  try {
    const client = new Client({ connection, ...temporalClientOptions(config.temporal) });
    for (const edgeTaskQueue of config.core.edgeTaskQueues) {
      await client.workflow.start<typeof edgeProvisioningWorkflow>('edgeProvisioningWorkflow', {
        workflowId: workflowIds.edgeProvisioning(edgeTaskQueue),
        taskQueue: config.core.taskQueue,
        args: [{ edgeTaskQueue }],
        workflowIdConflictPolicy: 'USE_EXISTING',
      });
    }
    if (!(await findLatestCrl(db))) {
      await client.workflow.start<typeof crlRefreshWorkflow>('crlRefreshWorkflow', {
        workflowId: workflowIds.crlRefresh(config.core.taskQueue),
        taskQueue: config.core.taskQueue,
        args: [],
        workflowIdConflictPolicy: 'USE_EXISTING',
      });
    }
    await ensureCrlRefreshSchedule(client, {
      taskQueue: config.core.taskQueue,
      intervalHours: config.core.crlRefreshHours,
    });
    await ensureIdentityRenewalSchedule(client, {
      taskQueue: config.core.taskQueue,
      intervalHours: config.core.identityRenewalHours,
    });
    await ensurePushCertificateExpirySchedule(client, { taskQueue: config.core.taskQueue });
    await ensureRaRotationSchedule(client, {
      taskQueue: config.core.taskQueue,
      renewWithinDays: config.core.raRenewalDays,
    });
    await ensureDepSyncSchedule(client, {
      taskQueue: config.core.taskQueue,
      intervalMinutes: config.dep.syncIntervalMinutes,
    });
    await ensureVaultIntegritySchedule(client, {
      taskQueue: config.core.taskQueue,
      intervalHours: config.vault.integrityCheckHours,
    });
    await ensureSecretRotationSchedule(client, { taskQueue: config.core.taskQueue });
    await ensurePolicyVerificationSchedule(client, {
      taskQueue: config.core.taskQueue,
      intervalMinutes: config.core.policyProofMinutes,
    });
    await ensureWindowsPolicyVerificationSchedule(client, {
      taskQueue: config.core.taskQueue,
      intervalMinutes: config.core.policyProofMinutes,
    });
    if (config.directory.url) {
      await ensureDirectorySyncSchedule(client, {
        taskQueue: config.core.taskQueue,
        intervalMinutes: config.directory.syncIntervalMinutes,
      });
    }
    if (config.directory.url && config.directory.bitlockerImport) {
      await ensureBitLockerRecoveryImportSchedule(client, {
        taskQueue: config.core.taskQueue,
        intervalMinutes: config.directory.syncIntervalMinutes,
      });
    }
  } finally {
    await connection.close();
  }
}

/**
 * `bundlePath` is the workflow bundle built ahead of time (cli/build-workflows.ts); `platforms` defaults to
 * the registry (tests add one of their own).
 */
export async function startCoreWorker(
  config: CoreProcessConfig,
  bundlePath: string,
  platforms: readonly CorePlatform[] = corePlatforms(),
): Promise<RunningWorker> {
  installTemporalRuntime(createLogger('keep-core', config.log.level), undefined, config.core.metricsListen);
  const database = openCoreDatabase(config.database.url, config.database.poolSize);
  const connection = await NativeConnection.connect(temporalConnectionOptions(config.temporal));
  const worker = await Worker.create({
    connection,
    ...temporalClientOptions(config.temporal),
    taskQueue: config.core.taskQueue,
    activities: createCoreActivities({
      db: database.db,
      keyRing: KeyRing.parse(config.core.secretKeys),
      pki: config.core,
      directory: config.directory,
      dep: config.dep,
      identityRenewal: identityRenewalSettings(config.core),
      platforms,
      vault: config.vault,
      signIn: config.core,
      policyProofMaxPerRun: config.core.policyProofMaxPerRun,
      appleProfileDelivery: config.core.appleProfileDelivery,
      rolloutWebhook: { urls: config.core.rolloutWebhookUrls, secret: config.core.rolloutWebhookSecret },
      pushCertificateWebhook: {
        urls: config.core.pushExpiryWebhookUrls,
        secret: config.core.pushExpiryWebhookSecret,
      },
    }),
    workflowBundle: { codePath: bundlePath },
    interceptors: {
      activity: [
        coreCallerCheck({
          connection,
          namespace: temporalClientOptions(config.temporal).namespace,
          taskQueue: config.core.taskQueue,
        }),
      ],
    },
    // On shutdown, activities in flight get this long to finish before they are cancelled (and retried elsewhere).
    shutdownGraceTime: config.shutdown.graceMs,
  });
  const running = runWorker(worker, connection, () => database.close());
  await startCoreProcesses(config, database.db);
  return running;
}
