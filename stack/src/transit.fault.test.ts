/**
 * The fault suite, transit: each fault the sandbox can inject, under concurrent load through the
 * gateway (see stack/src/faults/bureau-fault-suite.ts for what is checked), and card-status
 * messages dropped on their way over MQTT.
 */
import { cardStatusShard } from '@huimin/adapters';
import { describeBureauFaults } from './faults/bureau-fault-suite';
import { runBounded } from './faults/fault-stack';

const CARD_STATUS = 'query($cardNo: String!) { transitCard(cardNo: $cardNo) { status statusAsOf balanceFen } }';

describeBureauFaults('TRANSIT', (current) => {
  it('dropped card-status messages: the old status stands, honestly dated, until the gap brings a snapshot', async () => {
    const stack = current();
    const cards = stack.population.transit.cards.filter((c) => c.status === 'ACTIVE');
    // Two active cards on one shard: the change of the second reveals the lost change of the first.
    const [lost, next] = cards.flatMap((a) => cards.filter((b) => b !== a && cardStatusShard(b.cardNo) === cardStatusShard(a.cardNo)).map((b) => [a, b] as const))[0]!;
    const statusOf = async (cardNo: string) => (await stack.post<{ transitCard: { status: string; statusAsOf: string } }>(CARD_STATUS, { cardNo })).data!.transitCard;
    const before = await statusOf(lost.cardNo);
    expect(before.status).toBe('ACTIVE');

    await stack.control.set('transit', { dropCardStatusMessages: 1 });
    await stack.stack.cardStatus.publisher.changeStatus(lost.cardNo, 'FROZEN');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const during = await statusOf(lost.cardNo);
    expect(during.status).toBe('ACTIVE');
    expect(Date.parse(during.statusAsOf)).toBeLessThanOrEqual(Date.now());

    await stack.stack.cardStatus.publisher.changeStatus(next.cardNo, 'LOST');
    const started = Date.now();
    let seen = during.status;
    // Meanwhile the card stays answerable under load; within the gap timeout and one snapshot, it is right.
    while (seen !== 'FROZEN' && Date.now() - started < 10_000) {
      const answers = await runBounded([lost.cardNo, next.cardNo, lost.cardNo, next.cardNo], 4, (cardNo) => stack.post(CARD_STATUS, { cardNo }));
      expect(answers.every((a) => a.status === 200 && a.errors === undefined)).toBe(true);
      seen = (await statusOf(lost.cardNo)).status;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(seen).toBe('FROZEN');
    expect((await statusOf(next.cardNo)).status).toBe('LOST');
  }, 60_000);
});
