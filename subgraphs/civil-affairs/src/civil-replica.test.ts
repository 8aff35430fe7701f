import type { CivilAffairsClient, DailyExport } from '@huimin/adapters';
import type { CivilAffairsRecord } from '@huimin/schema';
import { CivilReplica } from './civil-replica';

function person(idNumber: string, updatedAt: string): CivilAffairsRecord {
  return { idNumber, name: '张三', gender: 'M', birthDate: '1950-01-01', district: '330102', phone: null, householdStatus: 'NONE', disabilityLevel: 0, lifeStatus: 'ALIVE', diedOn: null, updatedAt };
}

describe('CivilReplica', () => {
  const exports = new Map<string, DailyExport>([
    ['2026-10-30', { date: '2026-10-30', asOf: '2026-10-30T23:00:00+08:00', records: [person('A', '2026-10-30T10:00:00+08:00')] }],
    ['2026-10-31', { date: '2026-10-31', asOf: '2026-10-31T23:00:00+08:00', records: [person('A', '2026-10-31T10:00:00+08:00'), person('B', '2026-10-31T11:00:00+08:00')] }],
  ]);
  const asked: string[] = [];
  const client: CivilAffairsClient = {
    getPersons: async () => ({ asOf: '', items: [] }),
    async dailyExport(date) {
      asked.push(date);
      const day = exports.get(date);
      if (!day) throw new Error('no export');
      return day;
    },
  };

  it('pulls the last days oldest first, keeps the newest version and skips failed days', async () => {
    const errors: string[] = [];
    const replica = new CivilReplica(client, { error: (line) => errors.push(line) });
    await replica.warm(3, Date.parse('2026-10-31T12:00:00+08:00'));
    expect(asked).toEqual(['2026-10-29', '2026-10-30', '2026-10-31']);
    expect(errors).toHaveLength(1);
    expect(replica.get('A')).toEqual({ asOf: '2026-10-31T23:00:00+08:00', record: person('A', '2026-10-31T10:00:00+08:00') });
    expect(replica.size).toBe(2);
    await replica.sync('2026-10-30');
    expect(replica.get('A')?.record?.updatedAt).toBe('2026-10-31T10:00:00+08:00');
  });
});
