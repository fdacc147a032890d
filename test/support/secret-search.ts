// Where escrow tests look for a secret that must not be there: every row of every edge table, and every payload of
// every core workflow history, decoded with the shared payload key (what a compromised edge could read). Callers
// pair each search with a positive control that proves it looks where the data is.
import { sql } from 'kysely';
import { KeyRing } from '../../core/crypto/key-ring.js';
import { EncryptionCodec } from '../../core/temporal/payload-codec.js';
import { collectPayloads } from './history-payloads.js';
import type { TestPlanes } from './planes.js';

/** Every edge table's rows as Postgres prints them (bytea as hex), and the table names. */
export async function edgeDatabaseText(planes: TestPlanes): Promise<{ tables: string[]; text: string }> {
  const edge = planes.database.edge.db;
  const { rows: tables } = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = 'edge' and table_type = 'BASE TABLE'`.execute(edge);
  const texts: string[] = [];
  for (const { name } of tables) {
    const { rows } = await sql<{
      row: string;
    }>`select t::text as row from ${sql.table(`edge.${name}`)} t`.execute(edge);
    texts.push(...rows.map((r) => r.row));
  }
  return { tables: tables.map((t) => t.name), text: texts.join('\n') };
}

/** Every decoded payload of the core task queue's histories, with base64 strings inside them decoded too. */
export async function decodedHistoryText(planes: TestPlanes): Promise<string> {
  const codec = new EncryptionCodec(KeyRing.parse(planes.edgeConfig.temporal.payloadKeys));
  const texts: string[] = [];
  const query = `TaskQueue = '${planes.coreConfig.core.taskQueue}'`;
  for await (const execution of planes.temporal.workflow.list({ query })) {
    const history = await planes.temporal.workflow
      .getHandle(execution.workflowId, execution.runId)
      .fetchHistory();
    const decoded = await codec.decode(collectPayloads(history.events));
    for (const payload of decoded) {
      const text = Buffer.from(payload.data ?? []).toString('latin1');
      const nested = [...text.matchAll(/"([A-Za-z0-9+/]{16,}={0,2})"/g)].map((m) =>
        Buffer.from(m[1]!, 'base64').toString('latin1'),
      );
      texts.push(text, ...nested);
    }
  }
  return texts.join('\n');
}

/**
 * `text` with the `<data>` values of the property lists inside it decoded too (a command's plist in a history is
 * a JSON string, so its line breaks arrive escaped): a profile inside an InstallProfile, for instance.
 */
export function withPlistData(text: string): string {
  const data = [...text.matchAll(/<data>([^<]*)<\/data>/g)].map((m) =>
    Buffer.from(m[1]!.replace(/\\[nt]|\s/g, ''), 'base64').toString('latin1'),
  );
  return [text, ...data].join('\n');
}
