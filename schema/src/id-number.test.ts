import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { idNumberCheckChar, isValidIdNumber, normalizeIdNumber } from './id-number';
import { isValidCardNumber, luhnCheckDigit } from './card-number';

const populationFile = join(__dirname, '..', '..', '..', 'shared', 'fixtures', 'population-2k.json');

describe('resident ID numbers (GB 11643)', () => {
  it('accepts the standard example and normalises a lower-case x', () => {
    expect(isValidIdNumber('11010519491231002X')).toBe(true);
    expect(normalizeIdNumber('11010519491231002x')).toBe('11010519491231002X');
  });

  it('rejects a wrong check digit, impossible dates and wrong shapes', () => {
    expect(isValidIdNumber('110105194912310021')).toBe(false);
    expect(isValidIdNumber(`11010519490230${'002'}${idNumberCheckChar('11010519490230002')}`)).toBe(false);
    expect(isValidIdNumber(`11010520230229${'002'}${idNumberCheckChar('11010520230229002')}`)).toBe(false);
    expect(isValidIdNumber(`11010520240229${'002'}${idNumberCheckChar('11010520240229002')}`)).toBe(true);
    expect(isValidIdNumber('1101051949123100')).toBe(false);
    expect(isValidIdNumber('A1010519491231002X')).toBe(false);
  });

  it('accepts every ID number in the reference population', () => {
    const population = JSON.parse(readFileSync(populationFile, 'utf8')) as { civilAffairs: Array<{ idNumber: string }> };
    expect(population.civilAffairs.every((r) => isValidIdNumber(r.idNumber))).toBe(true);
  });
});

describe('transit card numbers (Luhn)', () => {
  it('validates the check digit', () => {
    expect(luhnCheckDigit('7992739871')).toBe('3');
    expect(isValidCardNumber('3101000000000010')).toBe(true);
    expect(isValidCardNumber('3101000000000011')).toBe(false);
    expect(isValidCardNumber('31010000')).toBe(false);
  });
});
