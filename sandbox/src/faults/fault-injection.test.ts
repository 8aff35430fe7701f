/** Faults set through the control endpoint, as the finance client sees them over HTTP. */
import { readFileSync } from 'node:fs';
import { createFinanceClient, generateFinanceKeyMaterial, UpstreamError, type FinanceClient } from '@huimin/adapters';
import type { DisbursementRecord, Population } from '@huimin/schema';
import { startBureauServer, type RunningBureau } from '../http/bureau-server';
import { startFinanceBureau } from '../bureaus/finance-bureau';
import { faultControlAllowed, parseFaultCommand } from './fault-control';

const population = JSON.parse(readFileSync('/work/shared/fixtures/population-2k.json', 'utf8')) as Population;
const byPerson = new Map<string, DisbursementRecord[]>();
for (const record of population.finance.disbursements) byPerson.set(record.idNumber, [...(byPerson.get(record.idNumber) ?? []), record]);
const someone = population.finance.disbursements[0]!.idNumber;

async function control(bureau: RunningBureau, method: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${bureau.url}/__faults`, { method, ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function failureOf(call: Promise<unknown>): Promise<UpstreamError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof UpstreamError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('a bureau under faults', () => {
  const { client: clientKeys, server: serverKeys } = generateFinanceKeyMaterial('huimin-gateway');
  let bureau: RunningBureau;
  let client: FinanceClient;

  beforeAll(async () => {
    bureau = await startFinanceBureau({ store: { findDisbursements: (ids) => ids.map((id) => byPerson.get(id) ?? []), programs: () => [] }, keys: serverKeys, port: 0 });
    // Patient: on a loaded CI machine the first call (cold key and JIT paths) has taken over 150 ms.
    // Only the timeout test uses a short client timeout, against a latency well past it.
    client = createFinanceClient({ baseUrl: bureau.url, keys: clientKeys, timeoutMs: 10_000 });
  });
  afterAll(() => bureau.close());
  afterEach(() => control(bureau, 'DELETE'));

  it('answers as usual with no faults, and reports the settings', async () => {
    await expect(client.queryDisbursements([someone])).resolves.toMatchObject({ items: [byPerson.get(someone)] });
    expect(await control(bureau, 'GET')).toEqual({ status: 200, body: { faults: expect.objectContaining({ latencyMs: 0, down: false }), cardStatusFeed: false } });
  });

  it('is slow: past the client timeout the call is UPSTREAM_TIMEOUT', async () => {
    const impatient = createFinanceClient({ baseUrl: bureau.url, keys: clientKeys, timeoutMs: 150 });
    expect((await control(bureau, 'POST', { latencyMs: 1_000 })).status).toBe(200);
    expect(await failureOf(impatient.queryDisbursements([someone]))).toMatchObject({ failure: 'TIMEOUT', partnerCode: 'UPSTREAM_TIMEOUT' });
  });

  it('errs, is down, answers garbage, or has a skewed clock: each a typed upstream failure', async () => {
    await control(bureau, 'POST', { errorRate: 1 });
    expect(await failureOf(client.queryDisbursements([someone]))).toMatchObject({ failure: 'INTERNAL', partnerCode: 'UPSTREAM_UNAVAILABLE' });
    await control(bureau, 'POST', { errorRate: 0, down: true });
    expect(await failureOf(client.queryDisbursements([someone]))).toMatchObject({ failure: 'UNAVAILABLE' });
    await control(bureau, 'POST', { down: false, corruptRate: 1, seed: 3 });
    for (let i = 0; i < 6; i += 1) {
      const failure = await failureOf(client.queryDisbursements([someone]));
      expect(['MALFORMED', 'BAD_SIGNATURE', 'BAD_CIPHERTEXT', 'UNAVAILABLE']).toContain(failure.failure);
    }
    await control(bureau, 'POST', { corruptRate: 0, clockSkewMs: 600_000 });
    expect(await failureOf(client.queryDisbursements([someone]))).toMatchObject({ failure: 'CLOCK_SKEW', partnerCode: 'UPSTREAM_UNAVAILABLE' });
    await control(bureau, 'POST', { clockSkewMs: -60_000 });
    await expect(client.queryDisbursements([someone])).resolves.toBeDefined();
  });

  it('an error rate fails about that share of calls', async () => {
    // One call at a time, so that only the injected errors are counted here.
    await control(bureau, 'POST', { errorRate: 0.5, seed: 11 });
    let failed = 0;
    for (let i = 0; i < 40; i += 1) {
      const outcome = await client.queryDisbursements([someone]).then(() => null, (error: unknown) => error);
      if (outcome === null) continue;
      expect(outcome).toMatchObject({ failure: 'INTERNAL' });
      failed += 1;
    }
    expect(failed).toBeGreaterThan(8);
    expect(failed).toBeLessThan(32);
  });

  it('refuses bad settings with MALFORMED, and dropped card-status messages without a feed', async () => {
    for (const body of ['not json', { latencyMs: -1 }, { errorRate: 2 }, { down: 'yes' }, { nonsense: 1 }, [1]]) {
      expect(await control(bureau, 'POST', body)).toMatchObject({ status: 400, body: { code: 'MALFORMED' } });
    }
    expect(await control(bureau, 'POST', { dropCardStatusMessages: 2 })).toMatchObject({ status: 400, body: { code: 'MALFORMED' } });
    const dropped: number[] = [];
    bureau.faults.attachCardStatus({ dropNext: (count = 1) => void dropped.push(count) });
    expect((await control(bureau, 'POST', { dropCardStatusMessages: 2 })).status).toBe(200);
    expect(dropped).toEqual([2]);
    bureau.faults.attachCardStatus(null);
  });
});

describe('in production', () => {
  it('the control endpoint does not exist', async () => {
    expect(faultControlAllowed({ NODE_ENV: 'production' })).toBe(false);
    expect(faultControlAllowed({})).toBe(true);
    const bureau = await startBureauServer({ port: 0, faultControl: false, handler: () => ({ status: 404, body: '{"code":"NOT_FOUND","message":"no such operation"}' }) });
    try {
      for (const method of ['GET', 'POST', 'DELETE']) {
        const response = await fetch(`${bureau.url}/__faults`, { method, ...(method === 'POST' ? { body: '{"down":true}' } : {}) });
        expect(response.status).toBe(404);
        expect(await response.json()).toEqual({ code: 'NOT_FOUND', message: 'no such operation' });
      }
      expect(bureau.faults.settings.down).toBe(false);
    } finally {
      await bureau.close();
    }
  });

  it('commands are validated key by key', () => {
    expect(parseFaultCommand({ latencyMs: 10, down: true, seed: 1 })).toEqual({ patch: { latencyMs: 10, down: true }, seed: 1 });
    expect(() => parseFaultCommand({ clockSkewMs: Number.NaN })).toThrow('clockSkewMs');
  });
});
