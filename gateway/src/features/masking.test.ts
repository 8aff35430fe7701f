import type { AuthenticatedPartner, Scope } from './partner-context';
import { identityViewFor, maskIdNumber, maskName, maskPhone } from './masking';

function partner(scopes: Scope[]): AuthenticatedPartner {
  return { id: 'p', method: 'hmac', purpose: 'BENEFIT_SERVICE', scopes: new Set(scopes), priorityClass: 'standard', rateLimit: { perSecond: 1, burst: 1 }, costBudget: 1 };
}

describe('masking', () => {
  it('masks as api.md shows, and masking a masked value changes nothing', () => {
    expect(maskName('张三丰')).toBe('张*丰');
    expect(maskName('李四')).toBe('李*');
    expect(maskName('欧阳娜娜')).toBe('欧**娜');
    expect(maskIdNumber('330102199001011234')).toBe('330102********1234');
    expect(maskPhone('13812345678')).toBe('138****5678');
    for (const [mask, value] of [[maskName, '欧阳娜娜'], [maskIdNumber, '11010519491231002X'], [maskPhone, '13812345678']] as const) {
      expect(mask(mask(value))).toBe(mask(value));
    }
  });

  it('unmasks only for identity:full, and never through the analytics batch', () => {
    expect(identityViewFor(undefined, false)).toBe('masked');
    expect(identityViewFor(partner(['identity:read']), false)).toBe('masked');
    expect(identityViewFor(partner(['identity:full']), false)).toBe('full');
    expect(identityViewFor(partner(['identity:full', 'analytics:read']), true)).toBe('masked');
  });
});
