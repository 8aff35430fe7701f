/** The embedded ledger's journal: what was acknowledged survives a restart; a torn last line does not stop it. */
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryTransactionStore } from '../transactions/memory-transaction-store';
import { MemoryTopUpLedger } from './memory-topup-ledger';
import type { TopUpRecord } from './topup-types';

const AT = '2026-11-01T12:00:00.000+08:00';
const pending = (id: string, key: string): TopUpRecord => ({
  id, partner: 'p1', idempotencyKey: key, fingerprint: 'f', cardNo: '6225000000000017', amountFen: 10_000, channel: 'BANK_CARD',
  paymentRef: 'pay', status: 'PENDING', refundReason: null, refundRef: null, balanceAfterFen: null,
  history: [{ status: 'PENDING', at: AT, reason: null }], createdAt: AT, updatedAt: AT,
});

describe('MemoryTopUpLedger with a journal', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'huimin-ledger-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('replays top-ups, moves, keys and outbox events after a restart', async () => {
    const path = join(dir, 'topups.jsonl');
    const first = new MemoryTopUpLedger(path);
    await first.insertPending(pending('a', 'k1'));
    await first.insertPending(pending('b', 'k2'));
    await first.transition({ id: 'a', from: 'PENDING', to: 'CREDITED', at: AT, balanceAfterFen: 123 });
    first.close();
    // A process killed mid-write leaves half a line; it was never acknowledged.
    appendFileSync(path, '{"t":"topup","r":{"id":"c"');
    const second = new MemoryTopUpLedger(path);
    expect(await second.get('a')).toMatchObject({ status: 'CREDITED', balanceAfterFen: 123 });
    expect(await second.findByKey('p1', 'k2')).toMatchObject({ id: 'b', status: 'PENDING' });
    expect(await second.get('c')).toBeNull();
    expect((await second.unresolved(10)).map((r) => r.id)).toEqual(['b']);
    expect(await second.events(0, 10)).toEqual([{ seq: 1, topUpId: 'a', partner: 'p1', status: 'CREDITED', reason: null, at: AT }]);
    expect((await second.insertPending(pending('d', 'k1'))).record.id).toBe('a');
    second.close();
    expect(readFileSync(path, 'utf8').endsWith('\n')).toBe(true);
  });

  it('refuses a journal damaged before its last line', () => {
    const path = join(dir, 'topups.jsonl');
    appendFileSync(path, 'not json\n{"t":"event","e":{}}\n');
    expect(() => new MemoryTopUpLedger(path)).toThrow(/unreadable entry/);
  });

  it('keeps each transaction once across restarts', async () => {
    const path = join(dir, 'transactions.jsonl');
    const record = { transactionId: 't1', cardNo: '6225000000000017', kind: 'FARE' as const, amountFen: -200, balanceAfterFen: 800, occurredAt: AT, line: 'Line 1', station: 'A', topUpId: null };
    const first = new MemoryTransactionStore(path);
    expect(await first.storeAll([record, record])).toEqual({ stored: 1, duplicates: 1 });
    first.close();
    const second = new MemoryTransactionStore(path);
    expect(await second.storeAll([record])).toEqual({ stored: 0, duplicates: 1 });
    expect((await second.page(record.cardNo, { first: 10, after: null, fromMs: null, toMs: null })).records).toEqual([record]);
    second.close();
  });
});
