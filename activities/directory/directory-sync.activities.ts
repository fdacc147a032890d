// The directory sync activity: reads changed users (and every group) from LDAP/AD and writes them to the core
// in one transaction with the cursor, so a failed or retried run leaves exactly the state of the last success.
import { ApplicationFailure } from '@temporalio/activity';
import { sql, type Kysely } from 'kysely';
import type { Client } from 'ldapts';
import type { DirectorySettings } from '../../core/config/config.schema.js';
import type { CoreDatabase } from '../../core/db/core-database.js';
import type { NewDirectoryChange } from '../../core/db/core/directory-change.table.js';
import { AD_CAPABILITY, inChainMemberOf } from '../../core/directory/active-directory.js';
import {
  DIRECTORY_DIALECTS,
  DirectoryEntryError,
  entryCursor,
  type DirectoryDialect,
} from '../../core/directory/directory-dialect.js';
import {
  deleteUnseen,
  recordDirectoryChanges,
  replaceMemberships,
  upsertDirectoryGroups,
  upsertDirectoryUsers,
  type Membership,
} from '../../core/directory/directory.repository.js';
import { and, configuredFilter, ge, type LdapFilter } from '../../core/directory/ldap-filter.js';
import type { GroupMembers } from '../../core/directory/directory-model.js';
import { expandNestedGroups, normalizeDn, type GroupNode } from '../../core/directory/nested-groups.js';
import { DirectoryConfigError } from './directory-errors.js';
import { openLdapClient, type LdapConnectionSettings } from './ldap-client.js';
import { rootDseValues, searchPages } from './ldap-search.js';
import { lockSyncState, saveSyncError, saveSyncSuccess } from './directory-sync-state.repository.js';

const SOURCE = 'ldap';

export interface DirectorySyncRequest {
  /** Read everything (and detect deletions) even if an incremental run is due. */
  full?: boolean;
}

export interface DirectorySyncSummary {
  full: boolean;
  users: number;
  groups: number;
  /** Entries left out because they lack a required attribute (no id or name). */
  skipped: number;
  changes: number;
  cursor: string | null;
}

export interface DirectoryActivityDeps {
  db: Kysely<CoreDatabase>;
  /** Absent or without `url`: no directory is configured and the activity fails without retrying. */
  directory?: DirectorySettings | undefined;
}

interface ResolvedDirectory {
  connection: LdapConnectionSettings;
  dialect: DirectoryDialect;
  userBase: string;
  userFilter: LdapFilter;
  groupBase: string;
  groupFilter: LdapFilter;
  pageSize: number;
  fullSyncEvery: number;
  maxNestingDepth: number;
}

function resolve(settings: DirectorySettings | undefined): ResolvedDirectory {
  if (!settings?.url || !settings.baseDn)
    throw new DirectoryConfigError('directory.url and directory.baseDn are not set');
  const dialect = DIRECTORY_DIALECTS[settings.kind];
  return {
    connection: { ...settings, url: settings.url },
    dialect,
    userBase: settings.userBaseDn ?? settings.baseDn,
    userFilter: configuredFilter(settings.userFilter ?? dialect.defaultUserFilter),
    groupBase: settings.groupBaseDn ?? settings.baseDn,
    groupFilter: configuredFilter(settings.groupFilter ?? dialect.defaultGroupFilter),
    pageSize: settings.pageSize,
    fullSyncEvery: settings.fullSyncEvery,
    maxNestingDepth: settings.maxNestingDepth,
  };
}

function later(dialect: DirectoryDialect, a: string | null, b: string | undefined): string | null {
  if (b === undefined) return a;
  return a === null || dialect.compareCursor(b, a) > 0 ? b : a;
}

export function createDirectoryActivities(deps: DirectoryActivityDeps) {
  async function run(client: Client, directory: ResolvedDirectory, request: DirectorySyncRequest) {
    const { dialect } = directory;
    return deps.db.transaction().execute(async (trx) => {
      const state = await lockSyncState(trx, SOURCE);
      const full =
        Boolean(request.full) ||
        state.cursor === null ||
        state.incremental_runs + 1 >= directory.fullSyncEvery;
      const changes: NewDirectoryChange[] = [];
      let skipped = 0;
      /** One malformed entry (a user without uid) is skipped and counted, not a reason to stop the sync. */
      function readable<T>(read: () => T): T[] {
        try {
          return [read()];
        } catch (error) {
          if (!(error instanceof DirectoryEntryError)) throw error;
          skipped++;
          return [];
        }
      }
      let cursor = full ? null : state.cursor;
      const serverCursor = dialect.serverCursorAttribute
        ? (await rootDseValues(client, dialect.serverCursorAttribute))[0]
        : undefined;
      const seenUsers: string[] = [];
      // Re-reading entries at the cursor itself (>=) costs a row or two and never misses a same-second change.
      const userFilter =
        full || !state.cursor
          ? directory.userFilter
          : and(directory.userFilter, ge(dialect.cursorAttribute, state.cursor));
      for await (const entries of searchPages(client, {
        base: directory.userBase,
        filter: userFilter,
        attributes: dialect.userAttributes,
        binaryAttributes: dialect.binaryAttributes,
        pageSize: directory.pageSize,
      })) {
        const users = entries.flatMap((entry) => readable(() => dialect.toUser(entry)));
        for (const entry of entries) cursor = later(dialect, cursor, entryCursor(dialect, entry));
        seenUsers.push(...users.map((u) => u.externalId));
        changes.push(...(await upsertDirectoryUsers(trx, SOURCE, users)).changes);
      }
      if (full) changes.push(...(await deleteUnseen(trx, SOURCE, 'user', seenUsers)));
      // Where the server publishes its own position, that is the cursor; the newest entry read is only the
      // fallback, and can skip an entry changed mid-scan on a page already read (a full run catches it).
      if (serverCursor) cursor = later(dialect, state.cursor, serverCursor);

      // Groups are read whole every run (so they need no cursor): a change deep in a nesting changes the
      // effective members of every group above it, which no per-entry cursor can tell.
      const nodes: GroupNode[] = [];
      const groupIds = new Map<string, string>();
      for await (const entries of searchPages(client, {
        base: directory.groupBase,
        filter: directory.groupFilter,
        attributes: dialect.groupAttributes,
        binaryAttributes: dialect.binaryAttributes,
        pageSize: directory.pageSize,
      })) {
        const read = entries.flatMap((entry) => readable(() => dialect.toGroup(entry)));
        nodes.push(...read.map((r) => r.node));
        const written = await upsertDirectoryGroups(
          trx,
          SOURCE,
          read.map((r) => r.group),
        );
        for (const [externalId, id] of written.ids) groupIds.set(externalId, id);
        changes.push(...written.changes);
      }
      changes.push(...(await deleteUnseen(trx, SOURCE, 'group', [...groupIds.keys()])));

      const memberships = await effectiveMemberships(client, trx, directory, nodes, groupIds);
      changes.push(...(await replaceMemberships(trx, SOURCE, [...groupIds.values()], memberships)));
      await recordDirectoryChanges(trx, changes);
      await saveSyncSuccess(trx, SOURCE, { cursor, incrementalRuns: full ? 0 : state.incremental_runs + 1 });
      return {
        full,
        users: seenUsers.length,
        groups: nodes.length,
        skipped,
        changes: changes.length,
        cursor,
      };
    });
  }

  async function effectiveMemberships(
    client: Client,
    db: Kysely<CoreDatabase>,
    directory: ResolvedDirectory,
    nodes: GroupNode[],
    groupIds: Map<string, string>,
  ): Promise<Membership[]> {
    const users = await db
      .selectFrom('directory_users')
      .select(['id', 'external_id', sql<string | null>`attributes->>'dn'`.as('dn')])
      .where('source', '=', SOURCE)
      .where('deleted_at', 'is', null)
      .execute();
    const userIdByDn = new Map(users.flatMap((u) => (u.dn ? [[normalizeDn(u.dn), u.id] as const] : [])));
    let expanded = expandNestedGroups(nodes, userIdByDn, directory.maxNestingDepth);
    // On AD the server expands nesting itself, to any depth, with the in-chain rule; other servers
    // (and AD-like test schemas on OpenLDAP) get the bounded expansion above.
    if (
      directory.dialect === DIRECTORY_DIALECTS.ad &&
      (await rootDseValues(client, 'supportedCapabilities')).includes(AD_CAPABILITY)
    ) {
      const userIdByExternalId = new Map(users.map((u) => [u.external_id, u.id]));
      const nodeById = new Map(nodes.map((n) => [n.externalId, n]));
      const inChain: GroupMembers[] = [];
      for (const group of expanded) {
        const node = nodeById.get(group.groupExternalId)!;
        const effective = new Set<string>();
        for await (const entries of searchPages(client, {
          base: directory.userBase,
          filter: and(directory.userFilter, inChainMemberOf(node.dn)),
          attributes: directory.dialect.userAttributes,
          binaryAttributes: directory.dialect.binaryAttributes,
          pageSize: directory.pageSize,
        })) {
          for (const entry of entries) {
            const id = userIdByExternalId.get(directory.dialect.toUser(entry).externalId);
            if (id) effective.add(id);
          }
        }
        inChain.push({ ...group, effective });
      }
      expanded = inChain;
    }
    return expanded.flatMap((group) => {
      const groupId = groupIds.get(group.groupExternalId)!;
      return [...group.effective].map((userId) => ({ userId, groupId, direct: group.direct.has(userId) }));
    });
  }

  return {
    /** One sync run: incremental, or full when asked, on the first run, or every `fullSyncEvery` runs. */
    async syncDirectory(request: DirectorySyncRequest = {}): Promise<DirectorySyncSummary> {
      let directory: ResolvedDirectory;
      try {
        directory = resolve(deps.directory);
      } catch (cause) {
        throw ApplicationFailure.nonRetryable((cause as Error).message, 'DirectoryConfigError');
      }
      try {
        const client = await openLdapClient(directory.connection);
        try {
          return await run(client, directory, request);
        } finally {
          await client.unbind().catch(() => undefined);
        }
      } catch (cause) {
        await saveSyncError(deps.db, SOURCE, (cause as Error).message).catch(() => undefined);
        if (cause instanceof DirectoryConfigError) {
          throw ApplicationFailure.nonRetryable(cause.message, 'DirectoryConfigError');
        }
        throw cause;
      }
    },
  };
}

export type DirectoryActivities = ReturnType<typeof createDirectoryActivities>;
