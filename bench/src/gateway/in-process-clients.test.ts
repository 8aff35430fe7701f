import { formatShanghai } from '@huimin/schema';
import { createInProcessClients, createSandboxStores, generatePopulation } from '@huimin/sandbox';

describe('in-process bureau clients', () => {
  const population = generatePopulation({ size: 50, seed: 7 });
  const stores = createSandboxStores(population);
  const now = Date.parse('2026-11-02T01:00:00Z');
  const clients = createInProcessClients(stores, () => now);

  it('answers each key in the order asked, null for unknown people, stamped with the clock', async () => {
    const [first, second] = population.civilAffairs;
    const asked = [second?.idNumber ?? '', '110101199003070000', first?.idNumber ?? ''];
    const answer = await clients.civilAffairs.getPersons(asked);
    expect(answer.asOf).toBe(formatShanghai(now));
    expect(answer.items.map((person) => person?.idNumber ?? null)).toEqual([second?.idNumber, null, first?.idNumber]);
  });

  it('answers per-person lists with [] for a person without any', async () => {
    const owner = population.transit.cards[0]?.idNumber ?? '';
    const answer = await clients.transit.cardsByOwner([owner, '110101199003070000']);
    expect(answer.items[0]?.length).toBeGreaterThan(0);
    expect(answer.items[1]).toEqual([]);
  });

  it('lists the programmes from the finance store', async () => {
    await expect(clients.finance.listPrograms()).resolves.toEqual(stores.finance.programs());
  });
});
