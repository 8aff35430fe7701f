import { accessLogOf, decodeAccessCursor, encodeAccessCursor, type AccessLogReader, type AccessLogRecord } from './access-log';

const records: AccessLogRecord[] = Array.from({ length: 5 }, (_, i) => ({
  seq: (i + 1) * 10,
  partnerId: i % 2 === 0 ? 'demo-app' : 'counter-full',
  purpose: 'BENEFIT_SERVICE',
  operationName: `Op${i}`,
  fields: ['Citizen.identity'],
  outcome: 'SERVED',
  at: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
}));

// Newest first, as the audit stores answer.
const reader: AccessLogReader = {
  async accessesOf(_citizenId, page) {
    const older = records.filter((r) => page.beforeSeq === null || r.seq < page.beforeSeq).reverse();
    return { records: older.slice(0, page.first), hasMore: older.length > page.first };
  },
};

describe('Citizen.accessLog', () => {
  it('pages newest first with opaque cursors', async () => {
    const page1 = await accessLogOf(reader, 'c', { first: 2 });
    expect(page1.edges.map((e) => e.node.operationName)).toEqual(['Op4', 'Op3']);
    expect(page1.edges[0]!.node).toEqual({ partner: 'demo-app', purpose: 'BENEFIT_SERVICE', operationName: 'Op4', fields: ['Citizen.identity'], outcome: 'SERVED', at: records[4]!.at });
    expect(page1.pageInfo).toEqual({ hasNextPage: true, endCursor: encodeAccessCursor(40) });
    const page3 = await accessLogOf(reader, 'c', { first: 2, after: encodeAccessCursor(20) });
    expect(page3).toEqual({ edges: [expect.objectContaining({ cursor: encodeAccessCursor(10) })], pageInfo: { hasNextPage: false, endCursor: encodeAccessCursor(10) } });
    expect(await accessLogOf(reader, 'c', { first: 2, after: encodeAccessCursor(10) })).toEqual({ edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
  });

  it('refuses bad page sizes and cursors as BAD_USER_INPUT', async () => {
    for (const args of [{ first: 0 }, { first: 101 }, { first: 2.5 }, { after: 'not-a-cursor' }, { after: Buffer.from('access:-1').toString('base64url') }]) {
      await expect(accessLogOf(reader, 'c', args)).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    }
    expect(decodeAccessCursor(encodeAccessCursor(123))).toBe(123);
  });
});
