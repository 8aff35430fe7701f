/**
 * Test-only bureau clients over a population file: they implement the BureauClients interfaces
 * directly (no HTTP), count every call with its keys, and can be told to fail like a bureau outage.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UpstreamError, type BatchAnswer, type BureauClients, type BureauSource, type ProgramInfo, type UpstreamFailure } from '@huimin/adapters';
import { shanghaiDate, type Population } from '@huimin/schema';

export const POPULATION_2K_FILE = join(__dirname, '..', '..', '..', '..', '..', 'shared', 'fixtures', 'population-2k.json');

let cached: Population | undefined;
export function loadPopulation2k(): Population {
  cached ??= JSON.parse(readFileSync(POPULATION_2K_FILE, 'utf8')) as Population;
  return cached;
}

export type CallName =
  | 'getPersons' | 'dailyExport' | 'getInsuredPersons' | 'queryDisbursements' | 'listPrograms' | 'queryCards' | 'cardsByOwner';

export interface PopulationClients {
  clients: BureauClients;
  /** Every call made, in order, with the keys it carried. */
  calls: Array<{ name: CallName; keys: readonly string[] }>;
  count(name: CallName): number;
  /** Makes every call to the bureau fail (null: heal). */
  fail(source: BureauSource, failure: UpstreamFailure | null): void;
  reset(): void;
}

export const TEST_PROGRAMS: ProgramInfo[] = [
  { code: 'ELDERLY_TRANSIT', name: 'Free transit for the elderly', nameZh: '老年人免费乘车' },
  { code: 'DISABILITY_TRANSIT', name: 'Free transit for the severely disabled', nameZh: '残疾人免费乘车' },
  { code: 'MINIMUM_LIVING_ALLOWANCE', name: 'Minimum living allowance', nameZh: '低保金' },
  { code: 'EXTREME_POVERTY_SUPPORT', name: 'Support for extreme poverty', nameZh: '特困供养' },
  { code: 'ELDERLY_CARE_SUBSIDY', name: 'Care subsidy for the very old', nameZh: '高龄津贴' },
  { code: 'DISABILITY_LIVING_SUBSIDY', name: 'Living subsidy for the severely disabled', nameZh: '困难残疾人生活补贴' },
  { code: 'MEDICAL_ASSISTANCE', name: 'Medical assistance', nameZh: '医疗救助' },
];

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const list = groups.get(key(item));
    if (list) list.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}

export function createPopulationClients(population: Population = loadPopulation2k()): PopulationClients {
  const calls: PopulationClients['calls'] = [];
  const failing = new Map<BureauSource, UpstreamFailure>();
  const civil = new Map(population.civilAffairs.map((r) => [r.idNumber, r]));
  const medical = new Map(population.medicalInsurance.map((r) => [r.idNumber, r]));
  const disbursements = groupBy(population.finance.disbursements, (d) => d.idNumber);
  const cards = new Map(population.transit.cards.map((c) => [c.cardNo, c]));
  const cardsOf = groupBy(population.transit.cards, (c) => c.idNumber);
  const asOf = population.asOf;

  const call = (source: BureauSource, name: CallName, keys: readonly string[]): void => {
    calls.push({ name, keys: [...keys] });
    const failure = failing.get(source);
    if (failure !== undefined) throw new UpstreamError(source, failure, `${source} test outage`);
  };
  const batch = <T>(source: BureauSource, name: CallName, keys: readonly string[], find: (key: string) => T | null): Promise<BatchAnswer<T>> => {
    try {
      call(source, name, keys);
    } catch (error) {
      return Promise.reject(error);
    }
    return Promise.resolve({ asOf, items: keys.map(find) });
  };

  const clients: BureauClients = {
    civilAffairs: {
      getPersons: (ids) => batch('CIVIL_AFFAIRS', 'getPersons', ids, (id) => civil.get(id) ?? null),
      async dailyExport(date) {
        call('CIVIL_AFFAIRS', 'dailyExport', [date]);
        const records = population.civilAffairs.filter((r) => shanghaiDate(Date.parse(r.updatedAt)) === date);
        return { date, asOf, records };
      },
    },
    medicalInsurance: {
      getInsuredPersons: (ids) => batch('MEDICAL_INSURANCE', 'getInsuredPersons', ids, (id) => medical.get(id) ?? null),
    },
    finance: {
      queryDisbursements: (ids) => batch('FINANCE', 'queryDisbursements', ids, (id) => disbursements.get(id) ?? []),
      async listPrograms() {
        call('FINANCE', 'listPrograms', []);
        return TEST_PROGRAMS.map((p) => ({ ...p }));
      },
    },
    transit: {
      queryCards: (cardNos) => batch('TRANSIT', 'queryCards', cardNos, (no) => cards.get(no) ?? null),
      cardsByOwner: (ids) => batch('TRANSIT', 'cardsByOwner', ids, (id) => cardsOf.get(id) ?? []),
    },
  };

  return {
    clients,
    calls,
    count: (name) => calls.filter((c) => c.name === name).length,
    fail(source, failure) {
      if (failure === null) failing.delete(source);
      else failing.set(source, failure);
    },
    reset() {
      calls.length = 0;
      failing.clear();
    },
  };
}
