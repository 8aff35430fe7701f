import fc from 'fast-check';
import { chainEntries, chainHash, EMPTY_HEAD, entryOf, type AuditRecord } from './audit-record';
import type { StoredRecord } from './stored-record';
import { sampleEntry } from './test-support/entries';
import { verifyChain } from './verify-chain';

const chainOf = (n: number): AuditRecord[] => chainEntries(EMPTY_HEAD, Array.from({ length: n }, (_, i) => sampleEntry(i)));
const headOf = (records: readonly AuditRecord[]) => {
  const last = records[records.length - 1];
  return last ? { seq: last.seq, hash: last.hash } : EMPTY_HEAD;
};
async function* iterate(records: readonly StoredRecord[]): AsyncIterable<StoredRecord> {
  yield* records;
}
const verify = (records: readonly StoredRecord[], head = headOf(records.filter((r): r is AuditRecord => !('unreadable' in r)))) =>
  verifyChain(() => iterate(records), head);

// Every field a tamperer could change, with a different value of the right type.
const EDITS: Record<string, (record: AuditRecord) => AuditRecord> = {
  requestId: (r) => ({ ...r, requestId: `${r.requestId}x` }),
  partnerId: (r) => ({ ...r, partnerId: 'someone-else' }),
  purpose: (r) => ({ ...r, purpose: 'STATISTICS' }),
  operationName: (r) => ({ ...r, operationName: null }),
  operationHash: (r) => ({ ...r, operationHash: 'f'.repeat(64) }),
  citizenIds: (r) => ({ ...r, citizenIds: r.citizenIds.slice(1) }),
  fields: (r) => ({ ...r, fields: [...r.fields, 'CitizenIdentity.idNumber'] }),
  outcome: (r) => ({ ...r, outcome: r.outcome === 'SERVED' ? 'REFUSED' : 'SERVED' }),
  errorCodes: (r) => ({ ...r, errorCodes: ['FORBIDDEN'] }),
  latencyMs: (r) => ({ ...r, latencyMs: r.latencyMs + 1 }),
  at: (r) => ({ ...r, at: new Date(Date.parse(r.at) + 1).toISOString() }),
  prevHash: (r) => ({ ...r, prevHash: 'e'.repeat(64) }),
  hash: (r) => ({ ...r, hash: 'd'.repeat(64) }),
};

describe('verifyChain', () => {
  it('accepts an intact chain, and an empty one', async () => {
    expect(await verify(chainOf(12))).toEqual({ records: 12, problems: [] });
    expect(await verify([], EMPTY_HEAD)).toEqual({ records: 0, problems: [] });
  });

  it('finds an edit of any field of any record and names the record', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 15 }), fc.nat(), fc.constantFrom(...Object.keys(EDITS)), async (n, pick, field) => {
        const records = chainOf(n);
        const at = pick % n;
        const tampered = records.map((r, i) => (i === at ? EDITS[field]!(r) : r));
        const { problems } = await verify(tampered, headOf(records));
        expect(problems.length).toBeGreaterThan(0);
        expect(problems.some((p) => p.seq === at + 1 || p.seq === at + 2)).toBe(true);
      }),
    );
  });

  it('finds an edit whose hash was recomputed, by the broken link after it', async () => {
    const records = chainOf(6);
    const forged = { ...records[2]!, partnerId: 'forger' };
    forged.hash = chainHash(forged.prevHash, entryOf(forged));
    const { problems } = await verify(records.map((r, i) => (i === 2 ? forged : r)), headOf(records));
    expect(problems).toEqual([expect.objectContaining({ kind: 'removed', seq: 4 })]);
  });

  it('finds any removed record, the last one included (through the head)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 15 }), fc.nat(), async (n, pick) => {
        const records = chainOf(n);
        const at = pick % n;
        const { problems } = await verify(records.filter((_, i) => i !== at), headOf(records));
        expect(problems.length).toBeGreaterThan(0);
        const kinds = problems.map((p) => p.kind);
        expect(kinds.every((k) => k === 'removed' || k === 'head-mismatch')).toBe(true);
      }),
    );
  });

  it('finds any two records swapped and says they are out of order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 15 }), fc.nat(), fc.nat(), async (n, a, b) => {
        const records = chainOf(n);
        const i = a % n;
        const j = (i + 1 + (b % (n - 1))) % n;
        const swapped = [...records];
        [swapped[i], swapped[j]] = [swapped[j]!, swapped[i]!];
        const { problems } = await verify(swapped, headOf(records));
        expect(problems.some((p) => p.kind === 'reordered' && (p.seq === i + 1 || p.seq === j + 1))).toBe(true);
      }),
    );
  });

  it('names the removed range, a duplicated record, an unreadable line and a stale head', async () => {
    const records = chainOf(8);
    const gap = await verify([...records.slice(0, 3), ...records.slice(5)], headOf(records));
    expect(gap.problems).toEqual([expect.objectContaining({ kind: 'removed', seq: 6, message: expect.stringContaining('records 4–5') })]);

    const copied = await verify([...records.slice(0, 4), records[3]!, ...records.slice(4)], headOf(records));
    expect(copied.problems.map((p) => p.kind)).toContain('duplicated');

    const cut = await verify([...records.slice(0, 2), { unreadable: true, position: 3 }, ...records.slice(3)], headOf(records));
    expect(cut.problems).toEqual([expect.objectContaining({ kind: 'unreadable', position: 3 })]);

    const appended = await verify(records, headOf(records.slice(0, 6)));
    expect(appended.problems).toEqual([expect.objectContaining({ kind: 'head-mismatch', message: expect.stringContaining('stored after it') })]);
  });
});
