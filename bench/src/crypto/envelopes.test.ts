/**
 * Keeps the crypto bench honest as the protocol modules change: its reference envelopes (sm-crypto,
 * node-forge) must stay the project's wire format, each side opening what the other sealed.
 */
import { benchKeys } from './envelopes';
import { assertInteroperable, forEachProtocol } from './protocols';

describe('crypto bench reference envelopes', () => {
  it('interoperate with the protocol modules in both directions, for every protocol', async () => {
    const checked = await forEachProtocol(benchKeys(), async (protocol) => {
      await assertInteroperable(protocol);
      return protocol.name;
    });
    expect(checked).toEqual(['finance', 'medical insurance', 'civil affairs', 'transit']);
  });
});
