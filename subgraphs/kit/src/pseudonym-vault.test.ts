import { MemoryPseudonymVault } from './pseudonym-vault';

describe('MemoryPseudonymVault', () => {
  it('remembers refs and answers lookups in order with null for unknown ids', async () => {
    const vault = new MemoryPseudonymVault();
    await vault.remember('a', 'ref-a');
    await vault.remember('b', 'ref-b');
    await vault.remember('a', 'ref-a');
    expect(await vault.lookup(['b', 'x', 'a'])).toEqual(['ref-b', null, 'ref-a']);
    expect(vault.size).toBe(2);
  });
});
