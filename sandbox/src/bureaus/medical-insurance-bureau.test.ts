import { readFileSync } from 'node:fs';
import { formatShanghai, type MedicalInsuranceRecord, type Population } from '@huimin/schema';
import {
  UpstreamError,
  createMedicalInsuranceClient,
  generateMedicalKeyMaterial,
  medicalPath,
  sealMedicalRequest,
  type MedicalInsuranceClient,
} from '@huimin/adapters';
import type { RunningBureau } from '../http/bureau-server';
import type { MedicalInsuranceStore } from '../stores/types';
import { startMedicalInsuranceBureau } from './medical-insurance-bureau';

const population = JSON.parse(readFileSync('/work/shared/fixtures/population-2k.json', 'utf8')) as Population;
const NOW = Date.parse(population.asOf);
const clock = (): number => NOW;

function storeOf(records: readonly MedicalInsuranceRecord[]): MedicalInsuranceStore {
  const byId = new Map(records.map((record) => [record.idNumber, record]));
  return { findInsured: (ids) => ids.map((id) => byId.get(id) ?? null) };
}

const store = storeOf(population.medicalInsurance);
const insured = population.medicalInsurance.map((record) => record.idNumber);
const UNKNOWN = '110101190001011237';
const APP = 'HUIMIN-GATEWAY-0001';

describe('medical-insurance bureau through the medical-insurance client', () => {
  const { client: clientKeys, server: serverKeys } = generateMedicalKeyMaterial(APP);
  let bureau: RunningBureau;
  let client: MedicalInsuranceClient;

  beforeAll(async () => {
    bureau = await startMedicalInsuranceBureau({ store, keys: serverKeys, clock, port: 0 });
    client = createMedicalInsuranceClient({ baseUrl: bureau.url, keys: clientKeys, clock });
  });
  afterAll(() => bureau.close());
  beforeEach(() => bureau.resetStats());

  it('answers every key in the order asked, null for NOT_FOUND', async () => {
    const asked = [insured[3] ?? '', UNKNOWN, insured[0] ?? ''];
    const answer = await client.getInsuredPersons(asked);
    expect(answer).toEqual({ asOf: formatShanghai(NOW), items: [store.findInsured([asked[0] ?? ''])[0], null, store.findInsured([asked[2] ?? ''])[0]] });
    expect(answer.items[0]).not.toBeNull();
    expect(bureau.stats()).toEqual({ '1101': { calls: 1, keys: 3 } });
  });

  it('splits more than 200 keys into calls of at most 200 and keeps the order', async () => {
    const asked = [...insured.slice(0, 400), UNKNOWN, ...insured.slice(400, 500)];
    const answer = await client.getInsuredPersons(asked);
    expect(answer.items).toEqual(store.findInsured(asked));
    expect(bureau.stats()).toEqual({ '1101': { calls: 3, keys: 501 } });
  });

  it('makes no call for no keys', async () => {
    expect(await client.getInsuredPersons([])).toEqual({ asOf: formatShanghai(NOW), items: [] });
    expect(bureau.stats()).toEqual({});
  });

  it('refuses more than 200 keys or a bad key in one call → MALFORMED', async () => {
    const post = async (request: object): Promise<{ status: number; code: unknown }> => {
      const response = await fetch(`${bureau.url}${medicalPath('1101')}`, { method: 'POST', body: JSON.stringify(sealMedicalRequest(clientKeys, request, { clock })) });
      return { status: response.status, code: ((await response.json()) as { code?: unknown }).code };
    };
    expect(await post({ idNumbers: insured.slice(0, 201) })).toEqual({ status: 400, code: 'MALFORMED' });
    expect(await post({ idNumbers: { 0: UNKNOWN } })).toEqual({ status: 400, code: 'MALFORMED' });
    expect(await post({ idNumbers: [UNKNOWN, null] })).toEqual({ status: 400, code: 'MALFORMED' });
    expect(bureau.stats()).toEqual({});
  });

  it('turns the bureau refusing the request into a typed UpstreamError', async () => {
    const stranger = createMedicalInsuranceClient({ baseUrl: bureau.url, keys: generateMedicalKeyMaterial('SOMEONE-ELSE-000001').client, clock });
    await expect(stranger.getInsuredPersons([UNKNOWN])).rejects.toMatchObject({ source: 'MEDICAL_INSURANCE', failure: 'UNKNOWN_APP' });
    const skewed = createMedicalInsuranceClient({ baseUrl: bureau.url, keys: clientKeys, clock: () => NOW - 400_000 });
    await expect(skewed.getInsuredPersons([UNKNOWN])).rejects.toMatchObject({ failure: 'CLOCK_SKEW' });
  });

  it('turns a response it cannot authenticate into an UpstreamError with the protocol code', async () => {
    const misled = createMedicalInsuranceClient({ baseUrl: bureau.url, keys: { ...clientKeys, bureauPublicKey: clientKeys.appKeyPair.publicKey }, clock });
    const failure = await misled.getInsuredPersons([UNKNOWN]).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UpstreamError);
    expect(failure).toMatchObject({ source: 'MEDICAL_INSURANCE', failure: 'BAD_SIGNATURE' });
  });
});
