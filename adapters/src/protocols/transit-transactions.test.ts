/** The transaction push: what a record may hold, and the push sealed by the card system opened by the subgraph. */
import { MemoryReplayGuard } from './freshness';
import { generateTransitKeyMaterial, openTransitRequest, openTransitResponse, sealTransitRequest, sealTransitResponse } from './transit';
import { isTransactionPush, isTransitTransactionRecord, transitReceiverKeys, transitSenderKeys, type TransitTransactionRecord } from './transit-transactions';

const record: TransitTransactionRecord = {
  transactionId: 'tx-0001', cardNo: '6225000000000017', kind: 'FARE', amountFen: -200, balanceAfterFen: 1800,
  occurredAt: '2026-11-01T08:15:00.000+08:00', line: 'Line 1', station: 'West Lake', topUpId: null,
};

describe('transit transaction records', () => {
  it('accepts a well-formed record and refuses each malformed field', () => {
    expect(isTransitTransactionRecord(record)).toBe(true);
    for (const bad of [
      { transactionId: 'has space' }, { transactionId: 'x'.repeat(65) }, { cardNo: '1234' }, { kind: 'GIFT' },
      { amountFen: 1.5 }, { balanceAfterFen: '100' }, { occurredAt: '2026-11-01 08:15' }, { line: '' }, { topUpId: 'a/b' },
    ]) {
      expect(isTransitTransactionRecord({ ...record, ...bad })).toBe(false);
    }
    expect(isTransactionPush({ records: [] })).toBe(false);
    expect(isTransactionPush({ records: Array.from({ length: 501 }, () => record) })).toBe(false);
  });

  it('is sealed by the card system with the app credentials and opened by the receiver, and the acknowledgement back', async () => {
    const { client, server } = generateTransitKeyMaterial('app-1');
    const sender = transitSenderKeys(server, 'app-1')!;
    const receiver = transitReceiverKeys(client);
    expect(transitSenderKeys(server, 'app-2')).toBeNull();
    const now = Date.now();
    const sealed = sealTransitRequest({ payload: { records: [record] }, keys: sender, nowMs: now });
    const opened = await openTransitRequest({ headers: sealed.headers, body: Buffer.from(sealed.body), keys: receiver, replayGuard: new MemoryReplayGuard(), nowMs: now });
    expect(isTransactionPush(opened.payload) && opened.payload.records).toEqual([record]);
    const ack = sealTransitResponse({ payloadJson: JSON.stringify({ acknowledged: 1, duplicates: 0 }), request: opened.context, keys: receiver, nowMs: now });
    expect(openTransitResponse({ headers: ack.headers, bodyText: ack.body, requestNonce: sealed.nonce, keys: sender, nowMs: now })).toEqual({ acknowledged: 1, duplicates: 0 });
  });
});
