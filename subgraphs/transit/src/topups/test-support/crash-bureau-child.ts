/**
 * The crash test's card system, in its own process so it outlives every transit subgraph the
 * test kills: the sandbox transit bureau over population-2k (plain HTTP), whose in-memory top-up
 * ledger and balances are the card system's own state the test checks against.
 */
import { transitReceiverKeys } from '@huimin/adapters';
import { createTransitStore, startTransitBureau } from '@huimin/sandbox';
import { loadPopulation2k } from '../../../../kit/src/test-support/population-clients';
import { decodeTransitKeys, type BureauCommand, type ChildMessage } from './child-keys';

async function main(): Promise<void> {
  const keys = decodeTransitKeys(process.env.CRASH_TEST_KEYS ?? '');
  const register = createTransitStore(loadPopulation2k().transit.cards);
  const bureau = await startTransitBureau({ store: register, keys: transitReceiverKeys(keys) });
  process.on('message', (command: BureauCommand) => {
    if (command.type === 'setStatus') register.setCardStatus(command.cardNo, command.status, new Date().toISOString());
    process.send?.({ type: 'done' } satisfies ChildMessage);
  });
  process.on('disconnect', () => void bureau.close().then(() => process.exit(0)));
  process.send?.({ type: 'ready', url: bureau.url } satisfies ChildMessage);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String((error as Error).stack)}\n`);
  process.exit(1);
});
