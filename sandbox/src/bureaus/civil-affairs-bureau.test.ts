import { readFileSync } from 'node:fs';
import { UpstreamError, createCivilAffairsClient, generateCivilKeyMaterial, signCivilRequest, type CivilAffairsClient } from '@huimin/adapters';
import { idNumberCheckChar, shanghaiDate, type CivilAffairsRecord, type Population } from '@huimin/schema';
import type { RunningBureau } from '../http/bureau-server';
import type { CivilAffairsStore } from '../stores/types';
import { startCivilAffairsBureau } from './civil-affairs-bureau';

const population = JSON.parse(readFileSync('/work/shared/fixtures/population-2k.json', 'utf8')) as Population;

function inlineStore(records: readonly CivilAffairsRecord[]): CivilAffairsStore {
  const byId = new Map(records.map((r) => [r.idNumber, r]));
  return {
    findPersons: (ids) => ids.map((id) => byId.get(id) ?? null),
    changedOn: (date) => records.filter((r) => shanghaiDate(Date.parse(r.updatedAt)) === date),
  };
}

/** A valid resident ID nobody in the population holds. */
function unknownId(sequence: number): string {
  const first17 = `11010119900101${String(sequence).padStart(3, '0')}`;
  return first17 + idNumberCheckChar(first17);
}

const people = population.civilAffairs;
const person = (i: number): CivilAffairsRecord => people[i] as CivilAffairsRecord;
const NOW = Date.parse('2026-11-01T02:00:00Z');

describe('civil-affairs bureau through the client', () => {
  const keys = generateCivilKeyMaterial('gateway-test');
  let bureau: RunningBureau;
  let client: CivilAffairsClient;

  beforeAll(async () => {
    bureau = await startCivilAffairsBureau({ store: inlineStore(people), keys: keys.server, clock: () => NOW });
    client = createCivilAffairsClient({ baseUrl: bureau.url, keys: keys.client, clock: () => NOW });
  });
  afterAll(() => bureau.close());
  beforeEach(() => bureau.resetStats());

  it('answers a batch in the order asked, with NOT_FOUND as null', async () => {
    const answer = await client.getPersons([person(3).idNumber, unknownId(1), person(0).idNumber]);
    expect(answer.items).toEqual([person(3), null, person(0)]);
    expect(answer.asOf).toBe('2026-11-01T10:00:00.000+08:00');
    expect(bureau.stats()).toEqual({ 'persons.batch': { calls: 1, keys: 3 } });
  });

  it('splits large batches into calls of at most 200 keys and makes no call for none', async () => {
    const ids = people.slice(0, 450).map((p) => p.idNumber);
    const answer = await client.getPersons(ids);
    expect(answer.items.map((p) => p?.idNumber)).toEqual(ids);
    expect(bureau.stats()).toEqual({ 'persons.batch': { calls: 3, keys: 450 } });
    bureau.resetStats();
    expect((await client.getPersons([])).items).toEqual([]);
    expect(bureau.stats()).toEqual({});
  });

  it('serves the daily export for a date, with the date signed as part of the path', async () => {
    const date = shanghaiDate(Date.parse(person(0).updatedAt));
    const exported = await client.dailyExport(date);
    expect(exported.date).toBe(date);
    expect(exported.records).toContainEqual(person(0));
    expect(exported.records.every((r) => shanghaiDate(Date.parse(r.updatedAt)) === date)).toBe(true);
    expect(bureau.stats()).toEqual({ 'exports.daily': { calls: 1, keys: 1 } });
  });

  it('refuses invalid ID numbers and bad dates as MALFORMED', async () => {
    await expect(client.getPersons(['123'])).rejects.toMatchObject({ source: 'CIVIL_AFFAIRS', failure: 'MALFORMED' });
    await expect(client.dailyExport('2026-02-30')).rejects.toMatchObject({ failure: 'MALFORMED' });
    expect(bureau.stats()).toEqual({});
  });

  it('types the bureau refusing an unknown app or a skewed clock', async () => {
    const stranger = createCivilAffairsClient({ baseUrl: bureau.url, keys: generateCivilKeyMaterial('stranger').client, clock: () => NOW });
    await expect(stranger.getPersons([person(0).idNumber])).rejects.toMatchObject({ failure: 'UNKNOWN_APP' });
    const skewed = createCivilAffairsClient({ baseUrl: bureau.url, keys: keys.client, clock: () => NOW + 301_000 });
    const failure = await skewed.getPersons([person(0).idNumber]).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UpstreamError);
    expect(failure).toMatchObject({ failure: 'CLOCK_SKEW' });
  });

  it('rejects an answer signed by a bureau key the client does not trust', async () => {
    const other = generateCivilKeyMaterial('gateway-test');
    const confused = createCivilAffairsClient({
      baseUrl: bureau.url,
      keys: { ...keys.client, bureauPublicKeys: { current: { keyId: keys.server.bureauKey.keyId, key: other.server.bureauKey.privateKey } } },
      clock: () => NOW,
    });
    await expect(confused.getPersons([person(0).idNumber])).rejects.toMatchObject({ failure: 'BAD_SIGNATURE' });
  });

  it('refuses more than 200 keys in one call as MALFORMED', async () => {
    const body = JSON.stringify({ idNumbers: Array.from({ length: 201 }, () => person(0).idNumber) });
    const { headers } = signCivilRequest({ method: 'POST', path: '/persons/batch', body, keys: keys.client, nowMs: NOW });
    const response = await fetch(`${bureau.url}/persons/batch`, { method: 'POST', headers, body });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'MALFORMED' });
    expect(bureau.stats()).toEqual({});
  });

  it('answers an unknown operation NOT_FOUND, but only to a signed caller', async () => {
    const { headers } = signCivilRequest({ method: 'GET', path: '/persons', body: '', keys: keys.client, nowMs: NOW });
    expect((await fetch(`${bureau.url}/persons`, { headers })).status).toBe(404);
    expect((await fetch(`${bureau.url}/persons`)).status).toBe(400);
  });
});
