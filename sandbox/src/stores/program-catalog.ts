/** The finance bureau's programme catalog: codes and names as published in programs.md. */
import { PROGRAM_CODES, type ProgramCode } from '@huimin/schema';
import type { ProgramCatalogEntry } from './types';

// A Record keyed by ProgramCode, so a new programme code does not compile until it is named here.
const PROGRAM_NAMES: Record<ProgramCode, { name: string; nameZh: string }> = {
  ELDERLY_TRANSIT: { name: 'Free transit for the elderly', nameZh: '老年人免费乘车' },
  DISABILITY_TRANSIT: { name: 'Free transit for the severely disabled', nameZh: '残疾人免费乘车' },
  MINIMUM_LIVING_ALLOWANCE: { name: 'Minimum living allowance', nameZh: '低保金' },
  EXTREME_POVERTY_SUPPORT: { name: 'Support for extreme poverty', nameZh: '特困供养' },
  ELDERLY_CARE_SUBSIDY: { name: 'Care subsidy for the very old', nameZh: '高龄津贴' },
  DISABILITY_LIVING_SUBSIDY: { name: 'Living subsidy for the severely disabled', nameZh: '困难残疾人生活补贴' },
  MEDICAL_ASSISTANCE: { name: 'Medical assistance', nameZh: '医疗救助' },
};

/** Every programme, in the order programs.md lists them; a fresh array each call. */
export function programCatalog(): ProgramCatalogEntry[] {
  return PROGRAM_CODES.map((code) => ({ code, ...PROGRAM_NAMES[code] }));
}
