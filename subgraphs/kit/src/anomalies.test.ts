import type { DisbursementRecord, DisbursementStatus, ProgramCode } from '@huimin/schema';
import { detectAnomalies } from './anomalies';
import { UNAVAILABLE_CIVIL, type CivilFacts } from './eligibility';

const elder: CivilFacts = {
  available: true, known: true, asOf: '2026-11-01T00:00:00+08:00', birthDate: '1940-05-01',
  disabilityLevel: 0, householdStatus: 'NONE', diedOn: null,
};
let next = 0;
function paid(period: string, status: DisbursementStatus = 'DISBURSED', programCode: ProgramCode = 'ELDERLY_CARE_SUBSIDY'): DisbursementRecord {
  next += 1;
  return {
    disbursementId: `D${String(next).padStart(4, '0')}`, idNumber: '330110194005018888', programCode, period,
    amountFen: 20000, status, statusHistory: [], bankAccountMasked: '6222********0001',
  };
}

describe('detectAnomalies', () => {
  it('flags every DISBURSED duplicate of a programme and period, not other statuses', () => {
    const [a, b, c, d] = [paid('2026-07'), paid('2026-07'), paid('2026-07', 'REVERSED'), paid('2026-08')];
    const found = detectAnomalies([a!, b!, c!, d!], { civil: elder });
    expect(found.get(a!.disbursementId)).toEqual(['DUPLICATE_PAYMENT']);
    expect(found.get(b!.disbursementId)).toEqual(['DUPLICATE_PAYMENT']);
    expect(found.get(c!.disbursementId)).toEqual([]);
    expect(found.get(d!.disbursementId)).toEqual([]);
  });

  it('flags payments for periods starting after the death, not the month of death', () => {
    const dead = { ...elder, diedOn: '2026-06-18' };
    const [june, july, approved] = [paid('2026-06'), paid('2026-07'), paid('2026-08', 'APPROVED')];
    const found = detectAnomalies([june!, july!, approved!], { civil: dead });
    expect(found.get(june!.disbursementId)).toEqual([]);
    expect(found.get(july!.disbursementId)).toEqual(['PAID_AFTER_DEATH']);
    expect(found.get(approved!.disbursementId)).toEqual([]);
  });

  it('flags a payment the rule rejects on the first day of the period, except for death alone', () => {
    const young = { ...elder, birthDate: '1946-09-15' }; // turns 80 on 2026-09-15
    const [aug, sep, oct] = [paid('2026-08'), paid('2026-09'), paid('2026-10')];
    const found = detectAnomalies([aug!, sep!, oct!], { civil: young });
    expect(found.get(aug!.disbursementId)).toEqual(['NOT_ELIGIBLE_WHEN_PAID']);
    expect(found.get(sep!.disbursementId)).toEqual(['NOT_ELIGIBLE_WHEN_PAID']);
    expect(found.get(oct!.disbursementId)).toEqual([]);
    const deadOnly = paid('2026-09');
    expect(detectAnomalies([deadOnly], { civil: { ...elder, diedOn: '2026-08-01' } }).get(deadOnly.disbursementId)).toEqual(['PAID_AFTER_DEATH']);
  });

  it('combines anomalies in the enum order', () => {
    const [a, b] = [paid('2026-09', 'DISBURSED', 'MINIMUM_LIVING_ALLOWANCE'), paid('2026-09', 'DISBURSED', 'MINIMUM_LIVING_ALLOWANCE')];
    const found = detectAnomalies([a!, b!], { civil: { ...elder, diedOn: '2026-08-01' } });
    expect(found.get(a!.disbursementId)).toEqual(['DUPLICATE_PAYMENT', 'PAID_AFTER_DEATH', 'NOT_ELIGIBLE_WHEN_PAID']);
  });

  it('does not flag what cannot be determined', () => {
    const d = paid('2026-09', 'DISBURSED', 'MEDICAL_ASSISTANCE');
    expect(detectAnomalies([d], { civil: UNAVAILABLE_CIVIL }).get(d.disbursementId)).toEqual([]);
    expect(detectAnomalies([d], { civil: { ...elder, householdStatus: 'LOW_INCOME' } }).get(d.disbursementId)).toEqual([]);
    expect(detectAnomalies([d], { civil: { ...elder, householdStatus: 'LOW_INCOME' }, insurance: { available: true, known: true, asOf: null, status: 'SUSPENDED' } }).get(d.disbursementId))
      .toEqual(['NOT_ELIGIBLE_WHEN_PAID']);
  });

  it('treats no civil-affairs record as not eligible', () => {
    const d = paid('2026-09');
    expect(detectAnomalies([d], { civil: { ...UNAVAILABLE_CIVIL, available: true } }).get(d.disbursementId)).toEqual(['NOT_ELIGIBLE_WHEN_PAID']);
  });
});
