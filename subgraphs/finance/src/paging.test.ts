import type { DisbursementRecord } from '@huimin/schema';
import { decodeCursor, encodeCursor, pageDisbursements, validateSubsidyArgs } from './paging';

function record(disbursementId: string, period: string, status: DisbursementRecord['status'] = 'DISBURSED'): DisbursementRecord {
  return { disbursementId, idNumber: 'x', programCode: 'ELDERLY_CARE_SUBSIDY', period, amountFen: 100, status, statusHistory: [], bankAccountMasked: '' };
}
const all = [record('D3', '2026-08'), record('D1', '2026-09'), record('D2', '2026-09', 'FAILED'), record('D0', '2026-07')];

describe('pageDisbursements', () => {
  it('orders newest period first, then id, and pages by cursor', () => {
    const first = pageDisbursements(all, validateSubsidyArgs({ first: 2 }));
    expect(first.nodes.map((d) => d.disbursementId)).toEqual(['D1', 'D2']);
    expect(first).toMatchObject({ totalCount: 4, hasNextPage: true });
    const second = pageDisbursements(all, validateSubsidyArgs({ first: 2, after: encodeCursor(first.nodes[1]!) }));
    expect(second.nodes.map((d) => d.disbursementId)).toEqual(['D3', 'D0']);
    expect(second.hasNextPage).toBe(false);
  });

  it('filters before counting', () => {
    const page = pageDisbursements(all, validateSubsidyArgs({ status: ['DISBURSED'], period: '2026-09' }));
    expect(page.nodes.map((d) => d.disbursementId)).toEqual(['D1']);
    expect(page.totalCount).toBe(1);
  });

  it.each([
    [{ first: -1 }], [{ first: 101 }], [{ period: '2026-13' }], [{ period: '202609' }],
    [{ after: 'not a cursor' }], [{ after: Buffer.from('v1|2026-09').toString('base64url') }],
  ])('refuses %j with BAD_USER_INPUT', (args) => {
    expect(() => validateSubsidyArgs(args)).toThrow(expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT' } }));
  });

  it('round-trips cursors and accepts first: 0 and 100', () => {
    expect(decodeCursor(encodeCursor(all[0]!))).toEqual({ period: '2026-08', id: 'D3' });
    expect(pageDisbursements(all, validateSubsidyArgs({ first: 0 }))).toMatchObject({ nodes: [], totalCount: 4, hasNextPage: true });
    expect(validateSubsidyArgs({ first: 100 }).first).toBe(100);
  });
});
