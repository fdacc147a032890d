import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../support/test-context.js';

async function queryAs(url: string, sql: string): Promise<unknown> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('plane roles', () => {
  const database = useTestDatabase();

  it('refuse the edge role on a core table (permission denied)', async () => {
    await expect(queryAs(database.edgeUrl, 'SELECT * FROM core.plane_checks')).rejects.toMatchObject({
      code: '42501',
    });
    await expect(
      queryAs(database.edgeUrl, "INSERT INTO core.plane_checks (workflow_id, marker) VALUES ('w', 'm')"),
    ).rejects.toMatchObject({
      code: '42501',
    });
  });

  it('refuse the core role on an edge table, and both roles on the public schema', async () => {
    await expect(queryAs(database.coreUrl, 'SELECT * FROM edge.plane_checks')).rejects.toMatchObject({
      code: '42501',
    });
    await expect(queryAs(database.edgeUrl, 'CREATE TABLE public.sneaky (id int)')).rejects.toMatchObject({
      code: '42501',
    });
  });

  it('let each role use its own schema by default', async () => {
    await expect(queryAs(database.edgeUrl, 'SELECT count(*) FROM plane_checks')).resolves.toEqual([
      { count: 0 },
    ]);
    await expect(queryAs(database.coreUrl, 'SELECT count(*) FROM plane_checks')).resolves.toEqual([
      { count: 0 },
    ]);
  });
});
