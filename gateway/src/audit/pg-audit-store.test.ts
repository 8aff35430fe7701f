import { Client } from 'pg';
import type { AuditStore } from './audit-store';
import { openPgAuditStore } from './pg-audit-store';
import { sampleEntry } from './test-support/entries';
import { TEST_DATABASE_URL, uniqueName } from './test-support/services';
import { runAuditVerify } from './verify-cli';

describe('PostgreSQL audit store', () => {
  const schema = uniqueName('audit_test');
  const sql = new Client({ connectionString: TEST_DATABASE_URL });
  const stores: AuditStore[] = [];
  const open = async (): Promise<AuditStore> => {
    const store = await openPgAuditStore({ connectionString: TEST_DATABASE_URL, schema });
    stores.push(store);
    return store;
  };
  const verify = async (): Promise<{ code: number; out: string }> => {
    let out = '';
    const code = await runAuditVerify([], { DATABASE_URL: TEST_DATABASE_URL, HUIMIN_AUDIT_PG_SCHEMA: schema }, { out: (t) => (out += t), err: (t) => (out += t) });
    return { code, out };
  };

  beforeAll(() => sql.connect());
  afterAll(async () => {
    for (const store of stores) await store.close().catch(() => undefined);
    await sql.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await sql.end();
  });

  it('makes one chain from two gateways appending at once', async () => {
    // Two stores = two pools = what two gateway processes sharing the database do.
    const [a, b] = await Promise.all([open(), open()]);
    const written = await Promise.all(
      Array.from({ length: 80 }, (_, i) => (i % 2 === 0 ? a! : b!).append(sampleEntry(i))),
    );
    const seqs = written.map((r) => r.seq).sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: 80 }, (_, i) => i + 1));
    expect(await a!.head()).toEqual({ seq: 80, hash: expect.any(String) });
    expect(await verify()).toEqual({ code: 0, out: expect.stringContaining('intact: 80 records') });
  });

  it("pages one citizen's records newest first through the index", async () => {
    const store = stores[0]!;
    const mine = [];
    for (let i = 0; i < 5; i += 1) mine.push(await store.append(sampleEntry(i, { citizenIds: ['pg-citizen'] })));
    const page = await store.accessesOf('pg-citizen', { first: 3, beforeSeq: null });
    expect(page.records.map((r) => r.seq)).toEqual([mine[4]!.seq, mine[3]!.seq, mine[2]!.seq]);
    expect(page.hasMore).toBe(true);
    expect(page.records[0]).toEqual(mine[4]);
  });

  it('verify names an edited field, a removed row, reordered rows and a cut tail', async () => {
    await sql.query(`UPDATE ${schema}.audit_records SET fields = array_append(fields, 'CitizenIdentity.phone') WHERE seq = 5`);
    expect(await verify()).toEqual({ code: 1, out: expect.stringContaining('record 5 was edited') });
    await sql.query(`DELETE FROM ${schema}.audit_records WHERE seq = 12`);
    // Swap two rows' positions (through a free seq: the primary key is checked row by row).
    await sql.query(`UPDATE ${schema}.audit_records SET seq = -20 WHERE seq = 20`);
    await sql.query(`UPDATE ${schema}.audit_records SET seq = 20 WHERE seq = 21`);
    await sql.query(`UPDATE ${schema}.audit_records SET seq = 21 WHERE seq = -20`);
    const head = (await sql.query<{ seq: string }>(`SELECT seq FROM ${schema}.audit_chain_head`)).rows[0]!;
    await sql.query(`DELETE FROM ${schema}.audit_records WHERE seq = $1`, [head.seq]);
    const { code, out } = await verify();
    expect(code).toBe(1);
    expect(out).toContain('records 12–12 were removed');
    expect(out).toMatch(/record 2[01] is out of order/);
    expect(out).toContain('were removed: the chain head says');
  });

  it('refuses the append when the database cannot take it', async () => {
    const store = await open();
    await sql.query(`DROP SCHEMA ${schema} CASCADE`);
    await expect(store.append(sampleEntry(1))).rejects.toThrow();
  });
});
