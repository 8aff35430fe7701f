/**
 * The card-status feed through the whole stack (Mosquitto, see fixture-stack): a status change
 * published by the sandbox card system reaches a partner's TransitCard.status with the shard's
 * statusAsOf, and a delta lost on the way is recovered from a snapshot.
 */
import { cardStatusShard } from '@huimin/adapters';
import type { Population, TransitCardRecord } from '@huimin/schema';
import type { RunningStack } from './stack';
import { startFixtureStack } from './test-support/fixture-stack';
import { postGraphQL } from './test-support/graphql-client';

async function until(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('card-status feed end to end', () => {
  let stack: RunningStack;
  let population: Population;

  beforeAll(async () => {
    ({ stack, population } = await startFixtureStack());
  }, 120_000);
  afterAll(() => stack?.close());

  const cardQuery = (cardNo: string) =>
    postGraphQL<{ transitCard: { status: string; statusAsOf: string } }>(stack.gatewayUrl, 'query($c: String!) { transitCard(cardNo: $c) { status statusAsOf } }', { c: cardNo });

  it('serves the feed view, synced from the retained snapshots at start', async () => {
    const { feed } = stack.cardStatus;
    expect(feed.synced).toBe(true);
    const card = population.transit.cards[0]!;
    const response = await cardQuery(card.cardNo);
    expect(response.data?.transitCard).toEqual({ status: card.status, statusAsOf: feed.status(card.cardNo)?.asOf });
  });

  it('shows a change to partners, and recovers a dropped delta from a snapshot', async () => {
    const { publisher, feed } = stack.cardStatus;
    const shard = 6;
    const [lost, next] = population.transit.cards.filter((c) => c.status === 'ACTIVE' && cardStatusShard(c.cardNo) === shard) as [TransitCardRecord, TransitCardRecord];
    publisher.faults.dropNext();
    await publisher.changeStatus(lost.cardNo, 'LOST');
    await publisher.changeStatus(next.cardNo, 'FROZEN');
    await until(() => feed.status(lost.cardNo)?.status === 'LOST' && feed.status(next.cardNo)?.status === 'FROZEN');
    expect(feed.stats()).toMatchObject({ gaps: 1, rejected: {} });
    const response = await cardQuery(lost.cardNo);
    expect(response.data?.transitCard).toEqual({ status: 'LOST', statusAsOf: feed.freshness()[shard]!.statusAsOf });
  });
});
