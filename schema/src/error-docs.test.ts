import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorCodeTable } from './error-docs';

describe('error code documentation', () => {
  it('the README lists exactly the registry (regenerate with errorCodeTable())', () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    expect(readme).toContain(errorCodeTable());
  });
});
