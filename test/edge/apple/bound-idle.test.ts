// The Idle check-in fast path: one Postgres statement when the certificate is the bound one, and otherwise
// exactly the answers of the full path (refusals stay refusals), with last_seen_at moving at most once a minute.
import { createHash, randomUUID, X509Certificate } from 'node:crypto';
import { Hono } from 'hono';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrustStore } from '../../../core/cms/index.js';
import { KeyRing } from '../../../core/crypto/key-ring.js';
import type { EdgeDatabase } from '../../../core/db/edge-database.js';
import { createLogger } from '../../../core/log/logger.js';
import { enqueueCommand } from '../../../edge/apple/command-queue.repository.js';
import { connectRoutes } from '../../../edge/apple/connect.routes.js';
import { bindOnAuthenticate, markCheckedOut } from '../../../edge/apple/enrollment.repository.js';
import { edgeErrorHandler } from '../../../edge/errors.js';
import { identityFrom, signedRequest, type Identity } from '../../support/apple-requests.js';
import { createTestCa } from '../../support/test-ca.js';
import { useTestDatabase } from '../../support/test-context.js';
import { generateBoxKeyPair } from '../../../core/crypto/sealed-box.js';

const fingerprintOf = (identity: Identity) => createHash('sha256').update(identity.cert).digest('hex');

describe('an Idle check-in from the bound certificate', () => {
  const database = useTestDatabase();
  const ca = createTestCa('Keep Test Idle CA');
  const keyRing = KeyRing.parse(KeyRing.generateSpec('idle'));
  let statements = 0;
  let pool: pg.Pool;
  let app: Hono;

  /** Binds a fresh UDID to a fresh identity, as Authenticate would. */
  async function enrolled(): Promise<{ udid: string; enrollmentId: string; identity: Identity }> {
    const enrollmentId = randomUUID();
    const identity = identityFrom(ca, 'idle device', enrollmentId);
    const udid = `IDLE-${randomUUID()}`;
    await bindOnAuthenticate(database.edge.db, {
      udid,
      kind: 'device',
      fingerprint: fingerprintOf(identity),
      topic: 'com.apple.mgmt.External.idle',
      enrollmentId,
      newDeviceId: randomUUID(),
    });
    return { udid, enrollmentId, identity };
  }

  /** An Idle check-in, and how many statements it sent to Postgres (BEGIN and COMMIT count). */
  async function idle(udid: string, identity: Identity) {
    const before = statements;
    const response = await app.request(
      signedRequest('/mdm/connect', { Status: 'Idle', UDID: udid }, identity),
    );
    return { response, statements: statements - before };
  }

  beforeAll(() => {
    // Counts every statement any connection of this pool sends: the edge's round trips to Postgres.
    class CountingClient extends pg.Client {
      override query(...args: unknown[]): never {
        statements++;
        return (super.query as (...a: unknown[]) => never)(...args);
      }
    }
    pool = new pg.Pool({ connectionString: database.edgeUrl, max: 2, Client: CountingClient });
    const db = new Kysely<EdgeDatabase>({ dialect: new PostgresDialect({ pool }) }).withSchema('edge');
    const trust = new TrustStore([new X509Certificate(ca.certPem).raw]);
    app = new Hono();
    app.onError(edgeErrorHandler(createLogger('test', 'silent')));
    app.route(
      '/',
      connectRoutes({
        db,
        keyRing,
        // These answers hold no secret: nothing is sealed to it.
        coreRecipient: async () => generateBoxKeyPair().recipient,
        identity: { trust: () => trust, isRevoked: () => false },
      }),
    );
  });

  afterAll(() => pool?.end());

  it('is answered in one Postgres statement, with the next command opened from its sealed body, or with nothing', async () => {
    const { udid, enrollmentId, identity } = await enrolled();
    const commandUuid = randomUUID();
    await enqueueCommand(database.edge.db, keyRing, {
      enrollmentId,
      commandUuid,
      requestType: 'ProfileList',
      body: Buffer.from(`<plist><dict><key>CommandUUID</key><string>${commandUuid}</string></dict></plist>`),
    });

    const first = await idle(udid, identity);
    expect(first.response.status).toBe(200);
    expect(await first.response.text()).toContain(commandUuid);
    expect(first.statements).toBe(1);

    // Unanswered, it is sent again at the next Idle (a new session), still in one statement.
    const again = await idle(udid, identity);
    expect(await again.response.text()).toContain(commandUuid);
    expect(again.statements).toBe(1);
    const row = await database.edge.db
      .selectFrom('command_queue')
      .select(['status', 'body'])
      .where('command_uuid', '=', commandUuid)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('sent');
    // At rest the body is ciphertext: the plist (and its UUID) appears only in the answer.
    expect(row.body.toString('latin1')).not.toContain(commandUuid);

    await database.edge.db.deleteFrom('command_queue').where('enrollment_id', '=', enrollmentId).execute();
    const empty = await idle(udid, identity);
    expect(empty.response.status).toBe(200);
    expect(await empty.response.text()).toBe('');
    expect(empty.statements).toBe(1);
  });

  it('moves last_seen_at when it is over a minute old, and not on every check-in', async () => {
    const { udid, enrollmentId, identity } = await enrolled();
    const lastSeen = () =>
      database.edge.db
        .selectFrom('apple_enrollments')
        .select('last_seen_at')
        .where('id', '=', enrollmentId)
        .executeTakeFirstOrThrow()
        .then((r) => r.last_seen_at);
    const stale = new Date(Date.now() - 5 * 60_000);
    await database.edge.db
      .updateTable('apple_enrollments')
      .set({ last_seen_at: stale })
      .where('id', '=', enrollmentId)
      .execute();

    await idle(udid, identity);
    const moved = await lastSeen();
    expect(moved.getTime()).toBeGreaterThan(stale.getTime());
    await idle(udid, identity);
    expect(await lastSeen()).toEqual(moved);
  });

  it('refuses what the full path refuses: a checked-out enrollment, an unenrolled UDID, another device’s certificate', async () => {
    const a = await enrolled();
    const b = await enrolled();
    expect((await idle(a.udid, b.identity)).response.status).toBe(403);
    expect((await idle(`NEVER-${randomUUID()}`, a.identity)).response.status).toBe(403);
    await markCheckedOut(database.edge.db, a.enrollmentId);
    expect((await idle(a.udid, a.identity)).response.status).toBe(403);
    expect((await idle(b.udid, b.identity)).response.status).toBe(200);
  });
});
