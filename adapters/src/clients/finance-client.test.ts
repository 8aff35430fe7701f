import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MemoryReplayGuard } from '../protocols/freshness';
import { generateFinanceKeyMaterial, openFinanceRequest, sealFinanceResponse } from '../protocols/finance';
import { createFinanceClient } from './finance-client';

const ID = '330110199311072382';
const { client: keys, server: serverKeys } = generateFinanceKeyMaterial('huimin-gateway');

/** A bureau that speaks the envelope correctly but answers whatever the test sets. */
let answer: (request: Record<string, unknown>) => object = () => ({});
let bureau: Server;
let baseUrl: string;

beforeAll(async () => {
  const guard = new MemoryReplayGuard();
  bureau = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void openFinanceRequest(serverKeys, Buffer.concat(chunks), { replayGuard: guard }).then((opened) => {
        res.end(JSON.stringify(sealFinanceResponse(serverKeys, opened, answer(opened.request))));
      });
    });
  });
  await new Promise<void>((resolve) => bureau.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(bureau.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => bureau.close(() => resolve())));

const disbursement = {
  disbursementId: 'D1',
  idNumber: ID,
  programCode: 'MINIMUM_LIVING_ALLOWANCE',
  period: '2026-10',
  amountFen: 100,
  status: 'DISBURSED',
  statusHistory: [{ status: 'APPROVED', at: '2026-10-01T00:00:00+00:00' }],
  bankAccountMasked: '6222****1',
};

describe('finance client: answer shape', () => {
  it('maps a well-formed answer', async () => {
    answer = () => ({ asOf: 'T', results: [{ idNumber: ID, status: 'FOUND', disbursements: [disbursement] }] });
    await expect(createFinanceClient({ baseUrl, keys }).queryDisbursements([ID])).resolves.toEqual({ asOf: 'T', items: [[disbursement]] });
  });

  it.each([
    ['missing results', { asOf: 'T' }],
    ['too few results', { asOf: 'T', results: [] }],
    ['another person', { asOf: 'T', results: [{ idNumber: '110101190001011237', status: 'NOT_FOUND', disbursements: [] }] }],
    ['unknown status', { asOf: 'T', results: [{ idNumber: ID, status: 'MAYBE', disbursements: [] }] }],
    ['bad record', { asOf: 'T', results: [{ idNumber: ID, status: 'FOUND', disbursements: [{ ...disbursement, amountFen: '100' }] }] }],
    ['missing asOf', { results: [{ idNumber: ID, status: 'NOT_FOUND', disbursements: [] }] }],
  ])('%s → UpstreamError MALFORMED', async (_case, body) => {
    answer = () => body;
    await expect(createFinanceClient({ baseUrl, keys }).queryDisbursements([ID])).rejects.toMatchObject({ source: 'FINANCE', failure: 'MALFORMED' });
  });

  it('a bad program list → UpstreamError MALFORMED', async () => {
    answer = () => ({ asOf: 'T', programs: [{ code: 'FREE_LUNCH', name: 'x', nameZh: 'x' }] });
    await expect(createFinanceClient({ baseUrl, keys }).listPrograms()).rejects.toMatchObject({ failure: 'MALFORMED' });
  });
});
