import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { formatShanghai, type DisbursementRecord, type Population } from '@huimin/schema';
import {
  UpstreamError,
  createFinanceClient,
  financePath,
  generateFinanceKeyMaterial,
  sealFinanceRequest,
  type FinanceClient,
} from '@huimin/adapters';
import type { RunningBureau } from '../http/bureau-server';
import type { FinanceStore, ProgramCatalogEntry } from '../stores/types';
import { startFinanceBureau } from './finance-bureau';

const population = JSON.parse(readFileSync('/work/shared/fixtures/population-2k.json', 'utf8')) as Population;
const NOW = Date.parse(population.asOf);
const clock = (): number => NOW;

const PROGRAMS: ProgramCatalogEntry[] = [{ code: 'MINIMUM_LIVING_ALLOWANCE', name: 'Minimum living allowance', nameZh: '最低生活保障' }];

function storeOf(disbursements: readonly DisbursementRecord[]): FinanceStore {
  const byPerson = new Map<string, DisbursementRecord[]>();
  for (const record of disbursements) byPerson.set(record.idNumber, [...(byPerson.get(record.idNumber) ?? []), record]);
  return { findDisbursements: (ids) => ids.map((id) => byPerson.get(id) ?? []), programs: () => PROGRAMS };
}

const store = storeOf(population.finance.disbursements);
const withDisbursements = [...new Set(population.finance.disbursements.map((d) => d.idNumber))];
const withNone = population.civilAffairs.map((p) => p.idNumber).filter((id) => store.findDisbursements([id])[0]?.length === 0);
const UNKNOWN = '110101190001011237';

describe('finance bureau through the finance client', () => {
  const { client: clientKeys, server: serverKeys } = generateFinanceKeyMaterial('huimin-gateway');
  let bureau: RunningBureau;
  let client: FinanceClient;

  beforeAll(async () => {
    bureau = await startFinanceBureau({ store, keys: serverKeys, clock, port: 0 });
    client = createFinanceClient({ baseUrl: bureau.url, keys: clientKeys, clock });
  });
  afterAll(() => bureau.close());
  beforeEach(() => bureau.resetStats());

  it('answers every key in the order asked; a person with none gets []', async () => {
    const asked = [withNone[0] ?? '', withDisbursements[0] ?? '', UNKNOWN, withDisbursements[1] ?? ''];
    const answer = await client.queryDisbursements(asked);
    expect(answer.asOf).toBe(formatShanghai(NOW));
    expect(answer.items).toEqual(store.findDisbursements(asked));
    expect(answer.items[1]?.length).toBeGreaterThan(0);
    expect(answer.items[0]).toEqual([]);
    expect(answer.items[2]).toEqual([]);
    expect(bureau.stats()).toEqual({ 'disbursements.query': { calls: 1, keys: 4 } });
  });

  it('splits more than 200 keys into calls of at most 200 and keeps the order', async () => {
    const asked = withDisbursements.slice(0, 450);
    const answer = await client.queryDisbursements(asked);
    expect(answer.items).toEqual(store.findDisbursements(asked));
    expect(bureau.stats()).toEqual({ 'disbursements.query': { calls: 3, keys: 450 } });
  });

  it('makes no call for no keys', async () => {
    expect(await client.queryDisbursements([])).toEqual({ asOf: formatShanghai(NOW), items: [] });
    expect(bureau.stats()).toEqual({});
  });

  it('lists the programs', async () => {
    expect(await client.listPrograms()).toEqual(PROGRAMS);
    expect(bureau.stats()).toEqual({ 'programs.list': { calls: 1, keys: 0 } });
  });

  it('refuses more than 200 keys or a bad key in one call → MALFORMED', async () => {
    const post = async (body: object): Promise<{ status: number; code: unknown }> => {
      const response = await fetch(`${bureau.url}${financePath('disbursements.query')}`, {
        method: 'POST',
        body: JSON.stringify(sealFinanceRequest(clientKeys, body, { clock })),
      });
      return { status: response.status, code: ((await response.json()) as { code?: unknown }).code };
    };
    expect(await post({ idNumbers: withDisbursements.slice(0, 201) })).toEqual({ status: 400, code: 'MALFORMED' });
    expect(await post({ idNumbers: 'not-a-list' })).toEqual({ status: 400, code: 'MALFORMED' });
    expect(await post({ idNumbers: [UNKNOWN, 42] })).toEqual({ status: 400, code: 'MALFORMED' });
    expect(bureau.stats()).toEqual({});
  });

  it('turns the bureau refusing the request into a typed UpstreamError', async () => {
    const stranger = createFinanceClient({ baseUrl: bureau.url, keys: generateFinanceKeyMaterial('stranger').client, clock });
    await expect(stranger.listPrograms()).rejects.toMatchObject({ source: 'FINANCE', failure: 'UNKNOWN_APP' });
    const skewed = createFinanceClient({ baseUrl: bureau.url, keys: clientKeys, clock: () => NOW + 301_000 });
    await expect(skewed.listPrograms()).rejects.toMatchObject({ failure: 'CLOCK_SKEW' });
  });

  it('turns a response it cannot authenticate into an UpstreamError with the protocol code', async () => {
    // Same app and data key, but it expects another bureau's signing key.
    const misled = createFinanceClient({ baseUrl: bureau.url, keys: { ...clientKeys, bureauPublicKey: clientKeys.appKeyPair.publicKey }, clock });
    const failure = await misled.listPrograms().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UpstreamError);
    expect(failure).toMatchObject({ source: 'FINANCE', failure: 'BAD_SIGNATURE' });
  });
});

describe('finance client against a bureau that does not answer', () => {
  let silent: Server;
  beforeAll(async () => {
    silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    silent.closeAllConnections();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it('times out → UpstreamError TIMEOUT', async () => {
    const { port } = silent.address() as AddressInfo;
    const client = createFinanceClient({ baseUrl: `http://127.0.0.1:${port}`, keys: generateFinanceKeyMaterial('x').client, timeoutMs: 100 });
    await expect(client.queryDisbursements([UNKNOWN])).rejects.toMatchObject({ source: 'FINANCE', failure: 'TIMEOUT' });
  });
});
