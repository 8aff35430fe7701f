import { maskIdNumber, maskName, maskPhone } from './masking';

describe('masking', () => {
  it('masks names keeping the first character, and the last from three characters on', () => {
    expect(maskName('张三丰')).toBe('张*丰');
    expect(maskName('李四')).toBe('李*');
    expect(maskName('欧阳娜娜')).toBe('欧**娜');
    expect(maskName('王')).toBe('王');
  });
  it('masks ID numbers as 6 + 8 stars + 4', () => {
    expect(maskIdNumber('330102199001011234')).toBe('330102********1234');
  });
  it('masks phones as 3 + 4 stars + 4', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
  });
});
